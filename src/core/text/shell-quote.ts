/**
 * Quotes one word for sh. Nothing the program runs passes through it with user or model text;
 * it quotes paths the program chose, and the user's own words in a hint meant to be pasted.
 */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
