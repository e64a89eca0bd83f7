import { main } from '../cli/main.js';
import { exitQuietlyWhenPipeCloses } from './closed-pipe.js';

// The `dispatch` command (bin/dispatch loads its bundle): runs one command and sets the exit status.
exitQuietlyWhenPipeCloses();
process.exitCode = await main(process.argv);
