/**
 * A young generation capped at 1 MiB per semi-space (V8 grows it to 16 MiB in a process that
 * allocates a lot). Long-lived processes of dispatch hold little, so a bigger one only keeps
 * garbage resident: the supervisor holding 1,000 waiting tasks is 6 MiB smaller with it, a node
 * task's relay 13 MiB (77 instead of 90), and a burst of starts costs the supervisor a few more,
 * quicker scavenges. Passed where dispatch starts a long-lived Node.js process.
 */
export const SMALL_YOUNG_GENERATION = '--max-semi-space-size=1';
