/**
 * A young generation capped at 1 MiB per semi-space (V8 grows it to 16 MiB in a process that
 * allocates a lot). Long-lived processes of dispatch hold little, so a bigger one only keeps
 * garbage resident: the supervisor holding 1,000 waiting tasks is 7 MiB smaller with it, and a
 * burst of starts costs it a few more, quicker scavenges. Passed where dispatch starts Node.js.
 */
export const SMALL_YOUNG_GENERATION = '--max-semi-space-size=1';
