// A content hash for OpenAPI v3 document URLs (`?hash=`), pure so the package stays free of node:crypto.

/** 16 upper-case hex digits from two FNV-1a passes with different offsets; stable for equal input. */
export function contentHash(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x9747b28c;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (a >>> 15);
  }
  return ((a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0')).toUpperCase();
}
