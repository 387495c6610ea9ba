// Scalar rules of the two Go YAML libraries kustomize chains: go-yaml v3 decoding plain scalars on input,
// go-yaml v2 (behind sigs.k8s.io/yaml) deciding on output whether a string may be written unquoted.

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const GO_INT_BASE0 = /^([+-]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/;

/** Go's strconv.ParseInt/ParseUint with base 0, without underscores: the integer, or undefined when it does not parse. */
function goParseIntBase0(s: string): bigint | undefined {
  const m = GO_INT_BASE0.exec(s);
  if (m === null) return undefined;
  const sign = m[1] === '-' ? -1n : 1n;
  let body = m[2] as string;
  let v: bigint;
  if (/^0[oO]/.test(body)) v = BigInt('0o' + body.slice(2));
  else if (/^0[xXbB]/.test(body)) v = BigInt(body.toLowerCase());
  else if (body.length > 1 && body.startsWith('0')) {
    body = body.slice(1);
    v = BigInt('0o' + body);
  } else v = BigInt(body);
  return sign * v;
}

function intValue(v: bigint): number | bigint {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/** What go-yaml v3 makes of an untagged plain scalar when decoding into interface{} (timestamps stay strings). */
export function resolvePlainV3(s: string): null | boolean | number | bigint | string {
  switch (s) {
    case '':
    case '~':
    case 'null':
    case 'Null':
    case 'NULL':
      return null;
    case 'true':
    case 'True':
    case 'TRUE':
      return true;
    case 'false':
    case 'False':
    case 'FALSE':
      return false;
    case '.inf':
    case '.Inf':
    case '.INF':
    case '+.inf':
    case '+.Inf':
    case '+.INF':
      return Infinity;
    case '-.inf':
    case '-.Inf':
    case '-.INF':
      return -Infinity;
    case '.nan':
    case '.NaN':
    case '.NAN':
      return NaN;
  }
  const c = s.charCodeAt(0);
  const isDigit = c >= 48 && c <= 57;
  if (c === 46 /* . */) {
    return YAML_STYLE_FLOAT.test(s) ? Number(s) : s;
  }
  if (!isDigit && c !== 43 && c !== 45) return s;
  const ts = goTimestampJson(s);
  if (ts !== undefined) return ts;
  const plain = s.replaceAll('_', '');
  const i = goParseIntBase0(plain);
  if (i !== undefined) {
    if (i >= INT64_MIN && i <= INT64_MAX) return intValue(i);
    if (i >= 0n && i <= UINT64_MAX && !plain.startsWith('+') && !plain.startsWith('-')) return intValue(i);
  }
  if (YAML_STYLE_FLOAT.test(plain)) return Number(plain);
  return s;
}

/** go-yaml v2's resolve(): whether writing `s` unquoted would read back as something other than a string. */
export function resolvesToNonStringV2(s: string): boolean {
  if (s === '') return true;
  const c = s[0] as string;
  let hint: string;
  if (c === '+' || c === '-') hint = 'S';
  else if (c >= '0' && c <= '9') hint = 'D';
  else if ('yYnNtTfFoO~'.includes(c)) hint = 'M';
  else if (c === '.') hint = '.';
  else return false;
  if (V2_MAP.has(s)) return true;
  if (hint === 'M') return false;
  if (hint === '.') return goParseFloatOk(s);
  if (isGoTimestamp(s)) return true;
  const plain = s.replaceAll('_', '');
  const i = goParseIntBase0(plain);
  if (i !== undefined && i >= INT64_MIN && i <= UINT64_MAX) return true;
  if (i !== undefined && !plain.startsWith('-')) return true; // out of range: v2 falls back to big.Int
  if (YAML_STYLE_FLOAT.test(plain)) return true;
  if (/^-?0b[01]+$/.test(plain)) return true;
  return false;
}

const V2_MAP = new Set([
  'y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON',
  'n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF',
  '', '~', 'null', 'Null', 'NULL',
  '.nan', '.NaN', '.NAN', '.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF', '<<',
]);

/** strconv.ParseFloat for strings starting with "." (decimal forms only; "." alone and ".e1" fail). */
function goParseFloatOk(s: string): boolean {
  return /^\.[0-9](_?[0-9])*([eE][-+]?[0-9](_?[0-9])*)?$/.test(s);
}

const BASE60_FLOAT = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;
export function isBase60Float(s: string): boolean {
  if (s === '') return false;
  const c = s[0] as string;
  if (!(c === '+' || c === '-' || (c >= '0' && c <= '9')) || !s.includes(':')) return false;
  return BASE60_FLOAT.test(s);
}

const TS_DATE = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;
const TS_T = /^(\d{4})-(\d{1,2})-(\d{1,2})[Tt](\d{1,2}):(\d{1,2}):(\d{1,2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const TS_SPACE = /^(\d{4})-(\d{1,2})-(\d{1,2}) (\d{1,2}):(\d{1,2}):(\d{1,2})(\.\d+)?$/;

export function isGoTimestamp(s: string): boolean {
  return goTimestampJson(s) !== undefined;
}

const pad = (v: string | undefined, n: number): string => (v ?? '0').padStart(n, '0');

/**
 * go-yaml's parseTimestamp (the four time.Parse layouts it accepts, with Go's range checks); the result is the value as
 * encoding/json prints the time.Time go-yaml v3 decodes it to (RFC 3339 with nanoseconds, trailing zeros dropped).
 */
export function goTimestampJson(s: string): string | undefined {
  if (s.length < 8 || s[4] !== '-') return undefined;
  const m = TS_DATE.exec(s) ?? TS_T.exec(s) ?? TS_SPACE.exec(s);
  if (m === null) return undefined;
  if (!validTimestamp(m)) return undefined;
  let frac = (m[7] ?? '').slice(1, 10).replace(/0+$/, '');
  if (frac !== '') frac = '.' + frac;
  const zone = m[8] === undefined || m[8] === 'Z' || m[8] === '+00:00' ? 'Z' : m[8];
  return `${m[1]}-${pad(m[2], 2)}-${pad(m[3], 2)}T${pad(m[4], 2)}:${pad(m[5], 2)}:${pad(m[6], 2)}${frac}${zone}`;
}

function validTimestamp(m: RegExpExecArray): boolean {
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] as number;
  if (day > days) return false;
  if (m[4] !== undefined) {
    // (time-of-day and zone ranges)
    if (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6]) > 59) return false;
    const zone = m[8];
    if (zone !== undefined && zone !== 'Z') {
      if (Number(zone.slice(1, 3)) > 23 || Number(zone.slice(4, 6)) > 59) return false;
    }
  }
  return true;
}

/** A number as it leaves kustomize: Go's encoding/json text, re-read and re-printed by go-yaml v2. */
export function formatNumber(n: number | bigint): string {
  if (typeof n === 'bigint') {
    if (n >= INT64_MIN && n <= UINT64_MAX) return n.toString();
    return formatGoFloatG(Number(n));
  }
  if (!Number.isFinite(n)) return Number.isNaN(n) ? '.nan' : n > 0 ? '.inf' : '-.inf';
  if (Number.isInteger(n) && Math.abs(n) < 1e21) {
    const text = Object.is(n, -0) ? '0' : String(n);
    const big = BigInt(text);
    if (big >= INT64_MIN && big <= UINT64_MAX) return text;
  }
  return formatGoFloatG(n);
}

/** strconv.FormatFloat(f, 'g', -1, 64). */
function formatGoFloatG(f: number): string {
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const [mant, expText] = f.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  if (exp < -4 || exp >= 21 || exp >= 6) {
    const e = Math.abs(exp);
    return `${mant}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;
  }
  const neg = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  let out: string;
  if (exp < 0) out = '0.' + '0'.repeat(-exp - 1) + digits;
  else if (digits.length <= exp + 1) out = digits + '0'.repeat(exp + 1 - digits.length);
  else out = digits.slice(0, exp + 1) + '.' + digits.slice(exp + 1);
  return (neg ? '-' : '') + out;
}

/** What go-yaml v2 (sigs.k8s.io/yaml, YAML 1.1 booleans) makes of an untagged plain scalar: JSON 6902 patches are read so. */
export function resolvePlainV2(s: string): null | boolean | number | bigint | string {
  if (['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON'].includes(s)) return true;
  if (['n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF'].includes(s)) return false;
  return resolvePlainV3(s);
}
