/**
 * Generated LLM text is stripped as LAVIS strips it (`[text.strip() for text in output_text]`,
 * BLIP-2 OPT and InstructBLIP Vicuna): Python's str.strip(), whose whitespace is not JS trim()'s.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { pythonStrip } from '../../../../models/preprocess/text.js';

// CPython 3.11 (Unicode 15): [hex(c) for c in range(0x110000) if chr(c).isspace()]
const PYTHON_WHITESPACE = [
  0x9, 0xa, 0xb, 0xc, 0xd, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028,
  0x2029, 0x202f, 0x205f, 0x3000,
];

test('the characters where Python strip() and JS trim() differ: U+001C..U+001F and U+0085 go, U+FEFF stays', () => {
  for (const c of ['\x1c', '\x1d', '\x1e', '\x1f', '\x85']) {
    assert.is(pythonStrip(`${c}a b${c}`), 'a b', `U+${c.charCodeAt(0).toString(16)}`);
    assert.is.not(`${c}a b${c}`.trim(), 'a b');
  }
  assert.is(pythonStrip('\ufeffa b\ufeff'), '\ufeffa b\ufeff');
  assert.is('\ufeffa b\ufeff'.trim(), 'a b');
});

test("every code point is stripped exactly when Python's str.isspace() holds for it", () => {
  const python = new Set(PYTHON_WHITESPACE);
  const wrong: string[] = [];
  for (let code = 0; code <= 0x10ffff; code++) {
    if (code >= 0xd800 && code <= 0xdfff) continue; // lone surrogates: no Python str holds them from decoding
    const c = String.fromCodePoint(code);
    const stripped = pythonStrip(`${c}${c}x${c}y${c}`) === `x${c}y`;
    if (stripped !== python.has(code)) wrong.push(code.toString(16));
  }
  assert.equal(wrong, []);
});

test('the BLIP-2 OPT caption of the finding loses its trailing record separator and keeps its leading control character', () => {
  assert.is(pythonStrip('\x0fkkkkl\x1e'), '\x0fkkkkl');
  assert.is(pythonStrip(' \n\t'), '');
  assert.is(pythonStrip(''), '');
});

test.run();
