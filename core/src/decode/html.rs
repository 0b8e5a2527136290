//! HTML and XML character references, decoded the way a browser's tokenizer
//! decodes them in text: named (`&lt;`), decimal (`&#60;`) and hex
//! (`&#x3C;`), with the leniencies attackers rely on.

use std::borrow::Cow;

/// Decodes one level of character references to UTF-8.
///
/// Numeric references need no `;` and may carry any number of leading zeros;
/// code points that cannot be characters become U+FFFD and C1 controls are
/// read as Windows-1252, as browsers do. Named references need their `;`
/// except for the legacy set browsers still accept without it (`&lt`,
/// `&amp`, `&nbsp`, ...), matched as the longest legacy prefix like
/// browsers do (`&notit` is `¬it`). Unknown names are kept.
pub(crate) fn decode(input: &[u8]) -> Cow<'_, [u8]> {
    let Some(first) = memchr::memchr(b'&', input) else {
        return Cow::Borrowed(input);
    };
    let mut out = Vec::with_capacity(input.len());
    out.extend_from_slice(&input[..first]);
    let mut i = first;
    let mut changed = false;
    while i < input.len() {
        if input[i] == b'&' {
            if let Some(used) = reference(&input[i + 1..], &mut out) {
                i += 1 + used;
                changed = true;
                continue;
            }
        }
        // Copy up to the next `&` in one go: the benign bytes between
        // references are the bulk of any value.
        let next = memchr::memchr(b'&', &input[i + 1..]).map_or(input.len(), |p| i + 1 + p);
        out.extend_from_slice(&input[i..next]);
        i = next;
    }
    if changed {
        Cow::Owned(out)
    } else {
        Cow::Borrowed(input)
    }
}

/// Decodes the reference that starts right after a `&`, appending it to
/// `out`; returns how many bytes it used, or `None` to keep the `&`.
fn reference(rest: &[u8], out: &mut Vec<u8>) -> Option<usize> {
    if rest.first() == Some(&b'#') {
        return numeric(&rest[1..], out).map(|n| n + 1);
    }
    named(rest, out)
}

fn numeric(rest: &[u8], out: &mut Vec<u8>) -> Option<usize> {
    let (radix, start) = match rest.first() {
        Some(b'x' | b'X') => (16, 1),
        _ => (10, 0),
    };
    let mut cp: u32 = 0;
    let mut end = start;
    while let Some(d) = rest.get(end).and_then(|&b| char::from(b).to_digit(radix)) {
        // Saturate rather than overflow: every value past U+10FFFF means the
        // same thing (U+FFFD), and the digits must still all be consumed.
        cp = cp.saturating_mul(radix).saturating_add(d).min(0x11_0000);
        end += 1;
    }
    if end == start {
        return None;
    }
    if rest.get(end) == Some(&b';') {
        end += 1;
    }
    let c = match cp {
        0x80..=0x9F => WINDOWS_1252[(cp - 0x80) as usize],
        0 => '\u{FFFD}',
        _ => char::from_u32(cp).unwrap_or('\u{FFFD}'),
    };
    let mut buf = [0; 4];
    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
    Some(end)
}

fn named(rest: &[u8], out: &mut Vec<u8>) -> Option<usize> {
    // Only the name's length matters; no name in the table is longer.
    let len = rest
        .iter()
        .take(MAX_NAME + 1)
        .take_while(|b| b.is_ascii_alphanumeric())
        .count();
    if len == 0 {
        return None;
    }
    if len <= MAX_NAME && rest.get(len) == Some(&b';') {
        if let Some((_, value, _)) = lookup(&rest[..len]) {
            out.extend_from_slice(value.as_bytes());
            return Some(len + 1);
        }
    }
    for n in (2..=len.min(MAX_LEGACY)).rev() {
        if let Some((_, value, true)) = lookup(&rest[..n]) {
            out.extend_from_slice(value.as_bytes());
            return Some(n);
        }
    }
    None
}

fn lookup(name: &[u8]) -> Option<&'static (&'static [u8], &'static str, bool)> {
    ENTITIES
        .binary_search_by(|(n, _, _)| n.cmp(&name))
        .ok()
        .map(|i| &ENTITIES[i])
}

const MAX_NAME: usize = 16;
const MAX_LEGACY: usize = 6;

/// How browsers read `&#128;` to `&#159;`: as Windows-1252, because pages
/// labelled Latin-1 were written in it. Unassigned slots keep their value.
const WINDOWS_1252: [char; 32] = [
    '\u{20AC}', '\u{81}', '\u{201A}', '\u{192}', '\u{201E}', '\u{2026}', '\u{2020}', '\u{2021}',
    '\u{2C6}', '\u{2030}', '\u{160}', '\u{2039}', '\u{152}', '\u{8D}', '\u{17D}', '\u{8F}',
    '\u{90}', '\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}', '\u{2022}', '\u{2013}', '\u{2014}',
    '\u{2DC}', '\u{2122}', '\u{161}', '\u{203A}', '\u{153}', '\u{9D}', '\u{17E}', '\u{178}',
];

/// Named references, sorted by name (byte order) for binary search: the
/// HTML 4 set, `&apos;`, every HTML5 name whose value is ASCII (the ones
/// that can hide syntax: `&colon;`, `&lpar;`, `&Tab;`, ...), and the legacy
/// names browsers accept without `;` (flagged `true`). The rest of HTML5's
/// 2,231 names decode to letters and symbols that cannot form syntax, so
/// they are left out to keep the table small. Every value is shorter than
/// its reference, so decoding never grows the input.
static ENTITIES: &[(&[u8], &str, bool)] = &[
    (b"AElig", "\u{C6}", true),
    (b"AMP", "&", true),
    (b"Aacute", "\u{C1}", true),
    (b"Acirc", "\u{C2}", true),
    (b"Agrave", "\u{C0}", true),
    (b"Alpha", "\u{391}", false),
    (b"Aring", "\u{C5}", true),
    (b"Atilde", "\u{C3}", true),
    (b"Auml", "\u{C4}", true),
    (b"Beta", "\u{392}", false),
    (b"COPY", "\u{A9}", true),
    (b"Ccedil", "\u{C7}", true),
    (b"Chi", "\u{3A7}", false),
    (b"Dagger", "\u{2021}", false),
    (b"Delta", "\u{394}", false),
    (b"DiacriticalGrave", "`", false),
    (b"ETH", "\u{D0}", true),
    (b"Eacute", "\u{C9}", true),
    (b"Ecirc", "\u{CA}", true),
    (b"Egrave", "\u{C8}", true),
    (b"Epsilon", "\u{395}", false),
    (b"Eta", "\u{397}", false),
    (b"Euml", "\u{CB}", true),
    (b"GT", ">", true),
    (b"Gamma", "\u{393}", false),
    (b"Hat", "^", false),
    (b"Iacute", "\u{CD}", true),
    (b"Icirc", "\u{CE}", true),
    (b"Igrave", "\u{CC}", true),
    (b"Iota", "\u{399}", false),
    (b"Iuml", "\u{CF}", true),
    (b"Kappa", "\u{39A}", false),
    (b"LT", "<", true),
    (b"Lambda", "\u{39B}", false),
    (b"Mu", "\u{39C}", false),
    (b"NewLine", "\n", false),
    (b"NonBreakingSpace", "\u{A0}", false),
    (b"Ntilde", "\u{D1}", true),
    (b"Nu", "\u{39D}", false),
    (b"OElig", "\u{152}", false),
    (b"Oacute", "\u{D3}", true),
    (b"Ocirc", "\u{D4}", true),
    (b"Ograve", "\u{D2}", true),
    (b"Omega", "\u{3A9}", false),
    (b"Omicron", "\u{39F}", false),
    (b"Oslash", "\u{D8}", true),
    (b"Otilde", "\u{D5}", true),
    (b"Ouml", "\u{D6}", true),
    (b"Phi", "\u{3A6}", false),
    (b"Pi", "\u{3A0}", false),
    (b"Prime", "\u{2033}", false),
    (b"Psi", "\u{3A8}", false),
    (b"QUOT", "\"", true),
    (b"REG", "\u{AE}", true),
    (b"Rho", "\u{3A1}", false),
    (b"Scaron", "\u{160}", false),
    (b"Sigma", "\u{3A3}", false),
    (b"THORN", "\u{DE}", true),
    (b"Tab", "\t", false),
    (b"Tau", "\u{3A4}", false),
    (b"Theta", "\u{398}", false),
    (b"Uacute", "\u{DA}", true),
    (b"Ucirc", "\u{DB}", true),
    (b"Ugrave", "\u{D9}", true),
    (b"UnderBar", "_", false),
    (b"Upsilon", "\u{3A5}", false),
    (b"Uuml", "\u{DC}", true),
    (b"VerticalLine", "|", false),
    (b"Xi", "\u{39E}", false),
    (b"Yacute", "\u{DD}", true),
    (b"Yuml", "\u{178}", false),
    (b"Zeta", "\u{396}", false),
    (b"aacute", "\u{E1}", true),
    (b"acirc", "\u{E2}", true),
    (b"acute", "\u{B4}", true),
    (b"aelig", "\u{E6}", true),
    (b"agrave", "\u{E0}", true),
    (b"alefsym", "\u{2135}", false),
    (b"alpha", "\u{3B1}", false),
    (b"amp", "&", true),
    (b"and", "\u{2227}", false),
    (b"ang", "\u{2220}", false),
    (b"apos", "'", false),
    (b"aring", "\u{E5}", true),
    (b"ast", "*", false),
    (b"asymp", "\u{2248}", false),
    (b"atilde", "\u{E3}", true),
    (b"auml", "\u{E4}", true),
    (b"bdquo", "\u{201E}", false),
    (b"beta", "\u{3B2}", false),
    (b"brvbar", "\u{A6}", true),
    (b"bsol", "\\", false),
    (b"bull", "\u{2022}", false),
    (b"cap", "\u{2229}", false),
    (b"ccedil", "\u{E7}", true),
    (b"cedil", "\u{B8}", true),
    (b"cent", "\u{A2}", true),
    (b"chi", "\u{3C7}", false),
    (b"circ", "\u{2C6}", false),
    (b"clubs", "\u{2663}", false),
    (b"colon", ":", false),
    (b"comma", ",", false),
    (b"commat", "@", false),
    (b"cong", "\u{2245}", false),
    (b"copy", "\u{A9}", true),
    (b"crarr", "\u{21B5}", false),
    (b"cup", "\u{222A}", false),
    (b"curren", "\u{A4}", true),
    (b"dArr", "\u{21D3}", false),
    (b"dagger", "\u{2020}", false),
    (b"darr", "\u{2193}", false),
    (b"deg", "\u{B0}", true),
    (b"delta", "\u{3B4}", false),
    (b"diams", "\u{2666}", false),
    (b"divide", "\u{F7}", true),
    (b"dollar", "$", false),
    (b"eacute", "\u{E9}", true),
    (b"ecirc", "\u{EA}", true),
    (b"egrave", "\u{E8}", true),
    (b"empty", "\u{2205}", false),
    (b"emsp", "\u{2003}", false),
    (b"ensp", "\u{2002}", false),
    (b"epsilon", "\u{3B5}", false),
    (b"equals", "=", false),
    (b"equiv", "\u{2261}", false),
    (b"eta", "\u{3B7}", false),
    (b"eth", "\u{F0}", true),
    (b"euml", "\u{EB}", true),
    (b"euro", "\u{20AC}", false),
    (b"excl", "!", false),
    (b"exist", "\u{2203}", false),
    (b"fjlig", "fj", false),
    (b"fnof", "\u{192}", false),
    (b"forall", "\u{2200}", false),
    (b"frac12", "\u{BD}", true),
    (b"frac14", "\u{BC}", true),
    (b"frac34", "\u{BE}", true),
    (b"frasl", "\u{2044}", false),
    (b"gamma", "\u{3B3}", false),
    (b"ge", "\u{2265}", false),
    (b"grave", "`", false),
    (b"gt", ">", true),
    (b"hArr", "\u{21D4}", false),
    (b"harr", "\u{2194}", false),
    (b"hearts", "\u{2665}", false),
    (b"hellip", "\u{2026}", false),
    (b"iacute", "\u{ED}", true),
    (b"icirc", "\u{EE}", true),
    (b"iexcl", "\u{A1}", true),
    (b"igrave", "\u{EC}", true),
    (b"image", "\u{2111}", false),
    (b"infin", "\u{221E}", false),
    (b"int", "\u{222B}", false),
    (b"iota", "\u{3B9}", false),
    (b"iquest", "\u{BF}", true),
    (b"isin", "\u{2208}", false),
    (b"iuml", "\u{EF}", true),
    (b"kappa", "\u{3BA}", false),
    (b"lArr", "\u{21D0}", false),
    (b"lambda", "\u{3BB}", false),
    (b"lang", "\u{27E8}", false),
    (b"laquo", "\u{AB}", true),
    (b"larr", "\u{2190}", false),
    (b"lbrace", "{", false),
    (b"lbrack", "[", false),
    (b"lceil", "\u{2308}", false),
    (b"lcub", "{", false),
    (b"ldquo", "\u{201C}", false),
    (b"le", "\u{2264}", false),
    (b"lfloor", "\u{230A}", false),
    (b"lowast", "\u{2217}", false),
    (b"lowbar", "_", false),
    (b"loz", "\u{25CA}", false),
    (b"lpar", "(", false),
    (b"lrm", "\u{200E}", false),
    (b"lsaquo", "\u{2039}", false),
    (b"lsqb", "[", false),
    (b"lsquo", "\u{2018}", false),
    (b"lt", "<", true),
    (b"macr", "\u{AF}", true),
    (b"mdash", "\u{2014}", false),
    (b"micro", "\u{B5}", true),
    (b"midast", "*", false),
    (b"middot", "\u{B7}", true),
    (b"minus", "\u{2212}", false),
    (b"mu", "\u{3BC}", false),
    (b"nabla", "\u{2207}", false),
    (b"nbsp", "\u{A0}", true),
    (b"ndash", "\u{2013}", false),
    (b"ne", "\u{2260}", false),
    (b"ni", "\u{220B}", false),
    (b"not", "\u{AC}", true),
    (b"notin", "\u{2209}", false),
    (b"nsub", "\u{2284}", false),
    (b"ntilde", "\u{F1}", true),
    (b"nu", "\u{3BD}", false),
    (b"num", "#", false),
    (b"oacute", "\u{F3}", true),
    (b"ocirc", "\u{F4}", true),
    (b"oelig", "\u{153}", false),
    (b"ograve", "\u{F2}", true),
    (b"oline", "\u{203E}", false),
    (b"omega", "\u{3C9}", false),
    (b"omicron", "\u{3BF}", false),
    (b"oplus", "\u{2295}", false),
    (b"or", "\u{2228}", false),
    (b"ordf", "\u{AA}", true),
    (b"ordm", "\u{BA}", true),
    (b"oslash", "\u{F8}", true),
    (b"otilde", "\u{F5}", true),
    (b"otimes", "\u{2297}", false),
    (b"ouml", "\u{F6}", true),
    (b"para", "\u{B6}", true),
    (b"part", "\u{2202}", false),
    (b"percnt", "%", false),
    (b"period", ".", false),
    (b"permil", "\u{2030}", false),
    (b"perp", "\u{22A5}", false),
    (b"phi", "\u{3C6}", false),
    (b"pi", "\u{3C0}", false),
    (b"piv", "\u{3D6}", false),
    (b"plus", "+", false),
    (b"plusmn", "\u{B1}", true),
    (b"pound", "\u{A3}", true),
    (b"prime", "\u{2032}", false),
    (b"prod", "\u{220F}", false),
    (b"prop", "\u{221D}", false),
    (b"psi", "\u{3C8}", false),
    (b"quest", "?", false),
    (b"quot", "\"", true),
    (b"rArr", "\u{21D2}", false),
    (b"radic", "\u{221A}", false),
    (b"rang", "\u{27E9}", false),
    (b"raquo", "\u{BB}", true),
    (b"rarr", "\u{2192}", false),
    (b"rbrace", "}", false),
    (b"rbrack", "]", false),
    (b"rceil", "\u{2309}", false),
    (b"rcub", "}", false),
    (b"rdquo", "\u{201D}", false),
    (b"real", "\u{211C}", false),
    (b"reg", "\u{AE}", true),
    (b"rfloor", "\u{230B}", false),
    (b"rho", "\u{3C1}", false),
    (b"rlm", "\u{200F}", false),
    (b"rpar", ")", false),
    (b"rsaquo", "\u{203A}", false),
    (b"rsqb", "]", false),
    (b"rsquo", "\u{2019}", false),
    (b"sbquo", "\u{201A}", false),
    (b"scaron", "\u{161}", false),
    (b"sdot", "\u{22C5}", false),
    (b"sect", "\u{A7}", true),
    (b"semi", ";", false),
    (b"shy", "\u{AD}", true),
    (b"sigma", "\u{3C3}", false),
    (b"sigmaf", "\u{3C2}", false),
    (b"sim", "\u{223C}", false),
    (b"sol", "/", false),
    (b"spades", "\u{2660}", false),
    (b"sub", "\u{2282}", false),
    (b"sube", "\u{2286}", false),
    (b"sum", "\u{2211}", false),
    (b"sup", "\u{2283}", false),
    (b"sup1", "\u{B9}", true),
    (b"sup2", "\u{B2}", true),
    (b"sup3", "\u{B3}", true),
    (b"supe", "\u{2287}", false),
    (b"szlig", "\u{DF}", true),
    (b"tau", "\u{3C4}", false),
    (b"there4", "\u{2234}", false),
    (b"theta", "\u{3B8}", false),
    (b"thetasym", "\u{3D1}", false),
    (b"thinsp", "\u{2009}", false),
    (b"thorn", "\u{FE}", true),
    (b"tilde", "\u{2DC}", false),
    (b"times", "\u{D7}", true),
    (b"trade", "\u{2122}", false),
    (b"uArr", "\u{21D1}", false),
    (b"uacute", "\u{FA}", true),
    (b"uarr", "\u{2191}", false),
    (b"ucirc", "\u{FB}", true),
    (b"ugrave", "\u{F9}", true),
    (b"uml", "\u{A8}", true),
    (b"upsih", "\u{3D2}", false),
    (b"upsilon", "\u{3C5}", false),
    (b"uuml", "\u{FC}", true),
    (b"verbar", "|", false),
    (b"vert", "|", false),
    (b"weierp", "\u{2118}", false),
    (b"xi", "\u{3BE}", false),
    (b"yacute", "\u{FD}", true),
    (b"yen", "\u{A5}", true),
    (b"yuml", "\u{FF}", true),
    (b"zeta", "\u{3B6}", false),
    (b"zwj", "\u{200D}", false),
    (b"zwnj", "\u{200C}", false),
];

#[cfg(test)]
mod tests {
    use super::super::testutil as table;

    #[test]
    fn table() {
        table::check(
            include_str!("../../testdata/decode/html.txt"),
            super::decode,
        );
    }

    #[test]
    fn entities_are_sorted_and_never_grow() {
        for w in super::ENTITIES.windows(2) {
            assert!(w[0].0 < w[1].0, "{:?}", String::from_utf8_lossy(w[1].0));
        }
        for (name, value, legacy) in super::ENTITIES {
            assert!(name.len() <= super::MAX_NAME);
            assert!(value.len() < name.len() + 2);
            if *legacy {
                assert!(name.len() <= super::MAX_LEGACY);
                assert!(value.len() <= name.len());
            }
        }
    }

    #[test]
    fn properties() {
        table::properties(
            &[
                b"&",
                b"&#",
                b"&#x",
                b"&#X",
                b"&lt",
                b"&lt;",
                b"&amp",
                b"&not",
                b"&notin;",
                b"&colon;",
                b"&#0000060",
                b"&#x3c;",
                b"&#99999999999",
                b"&#128;",
                b"&#0;",
                b"&nbsp",
                b"&aaaaaaaaaaaaaaaaaaaaaaaa",
                b";",
                b"\xC3\xA9",
            ],
            super::decode,
        );
    }
}
