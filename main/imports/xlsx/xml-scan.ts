// A streaming scanner for the XML a workbook's parts hold: elements, attributes, text, entities and CDATA, checked for
// balance. It is not a general XML parser (no DTDs, no namespaces beyond dropping a tag's prefix): the parts are
// machine-written. Measured on a 200k-row sheet (~83 MiB of XML): saxes spent ~2.3 s and its garbage ~1 s of the
// parsing thread's ~6.7 s; this reads the same events in a fraction of it, so a workbook imports closer to its CSV.

/** Handlers for one part's elements (names without their namespace prefix; attributes named as written). */
export interface XmlHandlers {
  open?(name: string, attrs: Record<string, string>): void;
  text?(text: string): void;
  close?(name: string): void;
  /**
   * A fast path for one frequent element (unprefixed `name`): when a whole `<name …>…</name>` lies in the text read,
   * inside the root, `take` gets the text and the element's span (`from` at its "<", `end` at its closing tag) and
   * may handle it itself — returning true, no events are sent for it — or return false to have it scanned as usual.
   * It must take only what the scanner would read without error, and leave no trace when it returns false.
   */
  element?: { name: string; take(s: string, from: number, end: number): boolean };
}

/** Malformed XML, with what was wrong; the caller names the part. */
export class XmlSyntaxError extends Error {}

// The longest tag, comment or CDATA section waited for across pieces (an Excel cell holds at most 32,767 characters):
// past it the part is not one a spreadsheet wrote, and re-reading it as pieces arrive would cost quadratic time.
const MAX_PENDING = 1 << 20;

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Text with its entities and character references replaced, and line ends as XML reads them. */
export function decodeText(s: string): string {
  if (s.indexOf('\r') >= 0) s = s.replace(/\r\n?/g, '\n');
  if (s.indexOf('&') < 0) return s;
  return s.replace(/&([^;&<]{0,12});/g, (whole, name: string) => {
    if (name.charCodeAt(0) === 35 /* # */) {
      const hex = name.charCodeAt(1) === 120; /* x */
      const code = hex ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      if (!Number.isFinite(code) || code < 1 || code > 0x10ffff || !/^#(x[0-9a-fA-F]+|[0-9]+)$/.test(name))
        throw new XmlSyntaxError(`bad character reference ${whole}`);
      return String.fromCodePoint(code);
    }
    // Own keys only: "&constructor;" is no entity.
    if (!Object.hasOwn(ENTITIES, name)) throw new XmlSyntaxError(`unknown entity ${whole}`);
    return ENTITIES[name]!;
  });
}

export const isSpace = (c: number) => c === 32 || c === 10 || c === 9 || c === 13;
export const isNameEnd = (c: number) => isSpace(c) || c === 62 /* > */ || c === 47; /* / */

/** Local name of a possibly prefixed tag (`x:row` → `row`). */
const localOf = (name: string) => {
  const i = name.indexOf(':');
  return i < 0 ? name : name.slice(i + 1);
};

const NO_ATTRS: Record<string, string> = Object.freeze({});

/**
 * A scanner bound to handlers: `write` feeds it text in pieces of any size, `end` says the part ended. Throws
 * XmlSyntaxError for a malformed part (unbalanced or unclosed tags, bad entities, text outside the root).
 */
export function createXmlScanner(h: XmlHandlers) {
  let pending = '';
  let first = true;
  let rootSeen = false;
  const stack: string[] = [];
  const onOpen = h.open;
  const onText = h.text;
  const onClose = h.close;
  const fast = h.element;
  const fastOpen = fast ? `<${fast.name}` : '';
  const fastClose = fast ? `</${fast.name}>` : '';

  const text = (raw: string) => {
    if (raw.length === 0) return;
    if (stack.length === 0) {
      // Only whitespace may stand outside the root element.
      for (let i = 0; i < raw.length; i++)
        if (!isSpace(raw.charCodeAt(i))) throw new XmlSyntaxError('text outside the root element');
    }
    if (onText) onText(decodeText(raw));
  };

  /** Reads the start or end tag at `lt`; returns the index past it, or -1 when it is not complete yet. */
  const tag = (s: string, lt: number): number => {
    const n = s.length;
    if (s.charCodeAt(lt + 1) === 47 /* / */) {
      // The common case compares in place: `</name>` closing the open `<name>` (no string made).
      const open = stack[stack.length - 1];
      if (open !== undefined && s.startsWith(open, lt + 2) && s.charCodeAt(lt + 2 + open.length) === 62) {
        stack.pop();
        if (onClose) onClose(localOf(open));
        return lt + 3 + open.length;
      }
      const gt = s.indexOf('>', lt + 2);
      if (gt < 0) return -1;
      let e = gt;
      while (e > lt + 2 && isSpace(s.charCodeAt(e - 1))) e--;
      const name = s.slice(lt + 2, e);
      if (open !== name)
        throw new XmlSyntaxError(open === undefined ? `</${name}> closes nothing` : `</${name}> closes <${open}>`);
      stack.pop();
      if (onClose) onClose(localOf(name));
      return gt + 1;
    }
    let i = lt + 1;
    while (i < n && !isNameEnd(s.charCodeAt(i))) i++;
    if (i >= n) return -1;
    const name = s.slice(lt + 1, i);
    if (name.length === 0) throw new XmlSyntaxError('a tag without a name');
    // Most tags have no attributes: they share one empty (frozen) object.
    let attrs: Record<string, string> = NO_ATTRS;
    for (;;) {
      let c = s.charCodeAt(i);
      while (isSpace(c)) c = s.charCodeAt(++i);
      if (i >= n) return -1;
      if (c === 62 /* > */ || c === 47 /* / */) {
        const selfClosing = c === 47;
        if (selfClosing) {
          if (i + 1 >= n) return -1;
          if (s.charCodeAt(i + 1) !== 62) throw new XmlSyntaxError(`<${name}> has a stray "/"`);
        }
        if (stack.length === 0) {
          if (rootSeen) throw new XmlSyntaxError('a second root element');
          rootSeen = true;
        }
        const l = localOf(name);
        if (onOpen) onOpen(l, attrs);
        if (selfClosing) {
          if (onClose) onClose(l);
          return i + 2;
        }
        stack.push(name);
        return i + 1;
      }
      // An attribute: its name runs to "=" (spaces allowed before it), then a quoted value.
      const from = i;
      while (i < n && (c = s.charCodeAt(i)) !== 61 /* = */ && !isSpace(c)) {
        if (c === 60 || c === 62 || c === 34 || c === 39 || c === 47)
          throw new XmlSyntaxError(`<${name}> has a broken attribute`);
        i++;
      }
      const attr = s.slice(from, i);
      while (i < n && isSpace(s.charCodeAt(i))) i++;
      if (i >= n) return n - from > 4096 ? fail(`<${name}> has a broken attribute`) : -1;
      if (s.charCodeAt(i) !== 61 || attr.length === 0) throw new XmlSyntaxError(`<${name}> has a broken attribute`);
      let q = i + 1;
      while (q < n && isSpace(s.charCodeAt(q))) q++;
      if (q >= n) return -1;
      const quote = s.charCodeAt(q);
      if (quote !== 34 && quote !== 39) throw new XmlSyntaxError(`<${name}> has an unquoted attribute ${attr}`);
      const end = s.indexOf(quote === 34 ? '"' : "'", q + 1);
      if (end < 0) return -1;
      const value = s.slice(q + 1, end);
      if (value.indexOf('<') >= 0) throw new XmlSyntaxError(`<${name}> has "<" in attribute ${attr}`);
      if (attrs === NO_ATTRS) attrs = {};
      attrs[attr] = value.indexOf('&') >= 0 || value.indexOf('\r') >= 0 ? decodeText(value) : value;
      i = end + 1;
      const after = s.charCodeAt(i);
      if (i < n && !isSpace(after) && after !== 62 && after !== 47)
        throw new XmlSyntaxError(`<${name}> needs a space between attributes`);
    }
  };
  const fail = (why: string): never => {
    throw new XmlSyntaxError(why);
  };

  /** Scans `s` from the start; returns where the unread (incomplete) rest begins. */
  const scan = (s: string): number => {
    const n = s.length;
    let i = 0;
    while (i < n) {
      const lt = s.indexOf('<', i);
      if (lt < 0) {
        // Text up to the end: hand it over, keeping back a possibly cut entity.
        const amp = s.lastIndexOf('&');
        let keep = amp >= i && s.indexOf(';', amp) < 0 ? amp : n;
        // A line end cut between its \r and \n is read as one.
        if (keep === n && s.charCodeAt(n - 1) === 13) keep = n - 1;
        text(s.slice(i, keep));
        return keep;
      }
      if (lt > i) text(s.slice(i, lt));
      i = lt;
      if (lt + 1 >= n) return lt;
      const c = s.charCodeAt(lt + 1);
      if (c === 33 /* ! */) {
        if (s.startsWith('<!--', lt)) {
          const e = s.indexOf('-->', lt + 4);
          if (e < 0) return lt;
          i = e + 3;
        } else if (s.startsWith('<![CDATA[', lt)) {
          const e = s.indexOf(']]>', lt + 9);
          if (e < 0) return lt;
          if (stack.length === 0) throw new XmlSyntaxError('CDATA outside the root element');
          if (onText && e > lt + 9) onText(s.slice(lt + 9, e));
          i = e + 3;
        } else if (n - lt < 9) {
          return lt;
        } else if (s.startsWith('<!DOCTYPE', lt)) {
          // Workbook parts have none; one without an internal subset is skipped, one with is refused (no DTDs).
          const e = s.indexOf('>', lt);
          if (e < 0) return lt;
          if (s.lastIndexOf('[', e) > lt) throw new XmlSyntaxError('a DOCTYPE with declarations');
          i = e + 1;
        } else throw new XmlSyntaxError('a broken "<!" construct');
      } else if (c === 63 /* ? */) {
        const e = s.indexOf('?>', lt + 2);
        if (e < 0) return lt;
        i = e + 2;
      } else {
        if (
          fast !== undefined &&
          stack.length > 0 &&
          s.startsWith(fastOpen, lt) &&
          isNameEnd(s.charCodeAt(lt + fastOpen.length))
        ) {
          const end = s.indexOf(fastClose, lt);
          if (end >= 0 && fast.take(s, lt, end)) {
            i = end + fastClose.length;
            continue;
          }
        }
        const next = tag(s, lt);
        if (next < 0) return lt;
        i = next;
      }
    }
    return n;
  };

  return {
    /** Feeds the next piece of the part's text. */
    write(piece: string): void {
      let s = pending.length > 0 ? pending + piece : piece;
      if (first && s.length > 0) {
        first = false;
        if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
      }
      const at = scan(s);
      pending = at < s.length ? s.slice(at) : '';
      if (pending.length > MAX_PENDING) throw new XmlSyntaxError('a tag or comment longer than 1 MiB');
    },
    /** The part ended: anything left open is an error. */
    end(): void {
      if (pending.length > 0) {
        const rest = pending;
        pending = '';
        if (rest.charCodeAt(0) === 60 /* < */) throw new XmlSyntaxError('the part ends inside a tag');
        text(rest);
      }
      if (stack.length > 0) throw new XmlSyntaxError(`<${stack[stack.length - 1]}> is never closed`);
      if (!rootSeen) throw new XmlSyntaxError('no root element');
    },
  };
}
