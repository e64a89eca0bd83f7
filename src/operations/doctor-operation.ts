import * as z from 'zod/mini';
import { checkBackendsStart, checkConfig } from '../runtime/doctor/check-config.js';
import { checkIsolation } from '../runtime/doctor/check-isolation.js';
import { checkRoot } from '../runtime/doctor/check-root.js';
import { defineOperation } from './define-operation.js';

export const doctorInput = z.object({
  fix: z.optional(
    z.boolean().check(z.describe('Repair what is safe to repair (temp files, stale locks, …)')),
  ),
});

export const finding = z.object({
  level: z.enum(['ok', 'warn', 'error']),
  subject: z.string(),
  message: z.string(),
  fix: z.optional(z.string()),
  /** Whether `dispatch doctor --fix` can repair it by itself. */
  fixable: z.optional(z.boolean()),
});

export const doctorResult = z.object({ findings: z.array(finding) });

export type Finding = z.output<typeof finding>;

/** Checks the config, the agent CLIs and the task folders, and says how to fix problems. */
export const doctorOperation = defineOperation({
  name: 'doctor',
  input: doctorInput,
  result: doctorResult,
  run: async (ctx, { fix }): Promise<{ findings: Finding[] }> => {
    await ctx.prepare();
    const { config, findings } = checkConfig(ctx.env);
    if (config)
      findings.push(...(await checkBackendsStart(config, ctx.env)), ...checkIsolation(config));
    findings.push(...(await checkRoot(ctx.store, fix === true)));
    return { findings };
  },
});
