import { describe, expect, it } from 'vitest';
import { terminalText } from '../../../src/core/text/terminal-text.js';

const ESC = '\x1b';

describe('terminalText', () => {
  it('removes a clipboard write (OSC 52) with its payload, ended by BEL or by ST', () => {
    expect(terminalText(`a${ESC}]52;c;ZWNobyBoaQ==\x07b`)).toBe('ab');
    expect(terminalText(`a${ESC}]52;c;ZWNobyBoaQ==${ESC}\\b`)).toBe('ab');
    expect(terminalText(`a\x9d52;c;ZWNobyBoaQ==\x9cb`)).toBe('ab');
  });

  it('removes screen clears, cursor moves, colours and resets', () => {
    expect(terminalText(`${ESC}[2J${ESC}[H${ESC}[31mred${ESC}[0m ${ESC}c${ESC}7x${ESC}8`)).toBe(
      'red x',
    );
    expect(terminalText(`${ESC}[?1049h${ESC}(Bok\x9b2Jyes`)).toBe('okyes');
  });

  it('removes DCS, SOS, PM and APC strings with their payload', () => {
    expect(terminalText(`a${ESC}Pq#0;2;0;0;0${ESC}\\b${ESC}_hidden${ESC}\\c\x90dcs\x9cd`)).toBe(
      'abcd',
    );
  });

  it('drops lone controls, backspaces and bidirectional overrides; keeps newlines and tabs', () => {
    expect(terminalText('bell\x07 back\x08\x08space\x7f\x85')).toBe('bell backspace');
    expect(terminalText('abc\u202Edef\u2066g')).toBe('abcdefg');
    expect(terminalText('one\ttwo\nthree')).toBe('one\ttwo\nthree');
  });

  it('ends the line at a carriage return, so overprinted text stays visible', () => {
    expect(terminalText('safe text\rrm -rf /\r\nnext')).toBe('safe text\nrm -rf /\nnext');
  });

  it('leaves ordinary text alone, including wide and combining characters', () => {
    const text = 'Prüfe die Anmeldung — 認証 ✅ e\u0301';
    expect(terminalText(text)).toBe(text);
  });

  it('removes a sequence cut off at the end of the text', () => {
    expect(terminalText(`done${ESC}]52;c;AAAA`)).toBe('done');
    expect(terminalText(`done${ESC}[3`)).toBe('done');
    expect(terminalText(`done${ESC}`)).toBe('done');
  });
});
