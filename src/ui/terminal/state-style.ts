/** The colour of each state, as in `dispatch status` (every one is also a terminal view style). */
export { STATE_STYLE } from '../shared/state-label.js';
