/**
 * `*|DATE:format|*` takes a PHP date() format (e.g. `*|DATE:d/m/Y|*`); Liquid's `date` filter
 * takes strftime. Returns the strftime pattern, or the letters that have no strftime twin.
 */
const PHP_TO_STRFTIME: Readonly<Record<string, string>> = {
  d: '%d', D: '%a', j: '%-d', l: '%A', N: '%u', w: '%w', z: '%j',
  F: '%B', M: '%b', m: '%m', n: '%-m',
  Y: '%Y', y: '%y',
  a: '%P', A: '%p', g: '%-I', G: '%-H', h: '%I', H: '%H', i: '%M', s: '%S',
  e: '%Z', T: '%Z', O: '%z', U: '%s',
};

export function phpDateToStrftime(format: string): { pattern: string; unsupported: string[] } {
  let pattern = '';
  const unsupported: string[] = [];
  for (let i = 0; i < format.length; i++) {
    const ch = format[i] as string;
    if (ch === '\\' && i + 1 < format.length) {
      const next = format[++i] as string;
      pattern += next === '%' ? '%%' : next;
    } else if (/[A-Za-z]/.test(ch)) {
      const mapped = PHP_TO_STRFTIME[ch];
      if (mapped) pattern += mapped;
      else {
        unsupported.push(ch);
        pattern += ch;
      }
    } else pattern += ch === '%' ? '%%' : ch;
  }
  return { pattern, unsupported };
}
