import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { csvCell, csvText } from './csv.ts';

describe('CSV cells', () => {
  it('makes text a spreadsheet would run as a formula inert', () => {
    assert.equal(csvCell('=HYPERLINK("http://evil.example")'), `"'=HYPERLINK(""http://evil.example"")"`);
    assert.equal(csvCell('+44 1743'), "'+44 1743");
    assert.equal(csvCell('-1'), "'-1");
    assert.equal(csvCell('@SUM(A1)'), "'@SUM(A1)");
    assert.equal(csvCell('\tTab'), "'\tTab");
  });

  it('quotes commas, quotes, line ends and edge spaces, and leaves other text and numbers alone', () => {
    assert.equal(csvCell('Castle Street, Shrewsbury'), '"Castle Street, Shrewsbury"');
    assert.equal(csvCell('Line one\nline two'), '"Line one\nline two"');
    assert.equal(csvCell(' padded'), '" padded"');
    assert.equal(csvCell('Gwasanaethau’r Cyngor'), 'Gwasanaethau’r Cyngor');
    assert.equal(csvCell(-3), '-3');
    assert.equal(csvCell(null), '');
  });

  it('joins rows with CRLF and ends the file with one', () => {
    assert.equal(
      csvText([
        ['a', 1],
        ['=b', null],
      ]),
      "a,1\r\n'=b,\r\n",
    );
  });
});
