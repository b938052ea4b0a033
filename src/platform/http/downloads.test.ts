import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { contentDisposition } from './downloads.ts';

describe('the Content-Disposition of a download', () => {
  it('is always an attachment, with the name in ASCII and in UTF-8', () => {
    assert.equal(contentDisposition('photo.png'), `attachment; filename="photo.png"; filename*=UTF-8''photo.png`);
  });

  it('keeps Welsh and other non-ASCII names in filename*, with a plain fallback', () => {
    assert.equal(
      contentDisposition('Llythyr at Siân – ŵyr.pdf'),
      `attachment; filename="Llythyr at Sian _ wyr.pdf"; filename*=UTF-8''Llythyr%20at%20Si%C3%A2n%20%E2%80%93%20%C5%B5yr.pdf`,
    );
  });

  it('cannot be broken out of by quotes, semicolons or percent signs', () => {
    assert.equal(
      contentDisposition('a"; filename="evil.html;b%20.pdf'),
      `attachment; filename="a__ filename=_evil.html_b_20.pdf"; filename*=UTF-8''a%22%3B%20filename%3D%22evil.html%3Bb%2520.pdf`,
    );
  });

  it('drops line breaks and other control characters, so no header can be added', () => {
    const header = contentDisposition('report\r\nSet-Cookie: x=1\u0000.pdf');
    assert.ok(!/[\r\n]/.test(header) && !header.includes('\u0000'));
    assert.equal(header, `attachment; filename="reportSet-Cookie: x=1.pdf"; filename*=UTF-8''reportSet-Cookie%3A%20x%3D1.pdf`);
  });

  it("encodes what RFC 8187 does not allow bare: ' ( ) *", () => {
    assert.match(contentDisposition("O'Brien (copy)*.txt"), /filename\*=UTF-8''O%27Brien%20%28copy%29%2A\.txt$/);
  });

  it('drops folders and the marks that can reverse how a name reads', () => {
    assert.match(contentDisposition('C:\\Users\\jo\\invoice\u202efdp.exe'), /filename="invoicefdp\.exe"/);
    assert.match(contentDisposition('../../etc/passwd'), /filename="passwd"/);
  });

  it('names a nameless file "download", and adds the extension of what it is when the name has none', () => {
    assert.match(contentDisposition('\r\n'), /filename="download"/);
    assert.match(contentDisposition('scan', 'pdf'), /filename="scan\.pdf"/);
    assert.match(contentDisposition('scan.pdf', 'pdf'), /filename="scan\.pdf"/);
  });
});
