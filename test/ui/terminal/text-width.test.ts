import { describe, expect, it } from 'vitest';
import { renderLine, seg } from '../../../src/ui/terminal/styled-line.js';
import { cleanText, fit, textWidth, truncate, wrap } from '../../../src/ui/terminal/text-width.js';

describe('terminal text', () => {
  it('cleans control characters, escape sequences, line breaks and bidi overrides', () => {
    // U+009B is a C1 CSI: with its final byte "e" it is one sequence, removed whole.
    expect(cleanText(' a\tb\r\nc\u0000d\u009be\u202ef ')).toBe('a b cdf');
  });

  it('measures wide and combining characters', () => {
    expect(textWidth('abc')).toBe(3);
    expect(textWidth('日本')).toBe(4);
    expect(textWidth('e\u0301')).toBe(1);
    expect(textWidth('🎉')).toBe(2);
  });

  it('cuts to a width with an ellipsis and pads to it exactly', () => {
    expect(truncate('hello world', 8)).toBe('hello w…');
    expect(truncate('hello', 8)).toBe('hello');
    expect(truncate('日本語テキスト', 7)).toBe('日本語…');
    expect(fit('ab', 4)).toBe('ab  ');
    expect(textWidth(fit('日本語テキスト', 7))).toBe(7);
  });

  it('wraps at spaces and cuts words longer than a line', () => {
    expect(wrap('the quick brown fox', 10)).toEqual(['the quick', 'brown fox']);
    expect(wrap('abcdefghijkl', 5)).toEqual(['abcde', 'fghij', 'kl']);
    expect(wrap('日本語', 1)).toEqual(['日', '本', '語']);
    expect(wrap('', 5)).toEqual(['']);
  });

  it('renders a styled line to exactly the width, escape codes around the text only', () => {
    const line = [seg('id ', 'bold'), seg('waiting', 'magenta'), seg(' rest of a long line')];
    expect(renderLine(line, 20, 'none')).toBe('id waiting rest of …');
    expect(renderLine(line, 40, 'none')).toHaveLength(40);
    const styled = renderLine([seg('ok', 'green', 'bold')], 4, 'full');
    expect(styled).toBe('\u001b[32;1mok\u001b[0m  ');
    expect(renderLine([seg('ok', 'green', 'bold')], 4, 'attributes')).toBe(
      '\u001b[1mok\u001b[0m  ',
    );
  });
});
