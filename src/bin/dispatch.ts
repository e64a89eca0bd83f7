import { main } from '../cli/main.js';
import { CliContext } from '../cli/cli-context.js';
import { exitOnceWritten, exitQuietlyWhenPipeCloses } from './closed-pipe.js';

// The `dispatch` command (bin/dispatch loads its bundle): runs one command and sets the exit status.
exitQuietlyWhenPipeCloses();
const ctx = new CliContext();
process.exitCode = await main(process.argv, ctx);
if (ctx.exitWhenDone) exitOnceWritten();
