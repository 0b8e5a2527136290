//! `a=1&b=2` in query strings and urlencoded forms.

use std::borrow::Cow;

use super::{Encoding, Input, Inputs};
use crate::decode::{self, Chain};
use crate::verdict::Part;

/// Emits each argument's name (as a key, when it is not a plain word) and
/// value, then, for each name given more than once, the values joined with
/// `,` as ASP.NET joins them: `id=1' OR&id=1=1` must be judged whole.
pub(crate) fn parse<'a>(s: &'a [u8], part: Part, out: &mut Inputs<'a>) {
    let first = out.items.len();
    for pair in s.split(|&b| b == b'&') {
        if pair.is_empty() {
            continue;
        }
        let (name, value) = match memchr::memchr(b'=', pair) {
            Some(eq) => (&pair[..eq], &pair[eq + 1..]),
            None => (pair, &b""[..]),
        };
        let app_name = decode::form(name);
        if !super::is_plain_name(&app_name) {
            let pushed = out.push(Input {
                part,
                name: app_name.clone().into(),
                value: Cow::Borrowed(name),
                key: true,
                encoding: Encoding::Form,
                chain: Chain::EMPTY,
                depth: 0,
            });
            if !pushed {
                return;
            }
        }
        let pushed = out.push(Input {
            part,
            name: app_name.into(),
            value: Cow::Borrowed(value),
            key: false,
            encoding: Encoding::Form,
            chain: Chain::EMPTY,
            depth: 0,
        });
        if !pushed {
            return;
        }
    }
    join_repeated(out, first);
}

fn join_repeated(out: &mut Inputs<'_>, first: usize) {
    let items = &out.items[first..];
    // Most queries name each argument once; short ones say so without
    // sorting (longer ones are sorted anyway, keeping this linear-ish).
    if items.len() <= 16
        && !items
            .iter()
            .enumerate()
            .any(|(i, a)| !a.key && items[i + 1..].iter().any(|b| !b.key && b.name == a.name))
    {
        return;
    }
    let values: Vec<usize> = (first..out.items.len())
        .filter(|&i| !out.items[i].key)
        .collect();
    if values.len() < 2 {
        return;
    }
    let mut order = values.clone();
    order.sort_by(|&a, &b| out.items[a].name.cmp(&out.items[b].name).then(a.cmp(&b)));
    let mut start = 0;
    while start < order.len() {
        let name = out.items[order[start]].name.clone();
        let end = start
            + order[start..]
                .iter()
                .take_while(|&&i| out.items[i].name == name)
                .count();
        if end - start > 1 {
            let mut joined = Vec::new();
            for (k, &i) in order[start..end].iter().enumerate() {
                if k > 0 {
                    joined.push(b',');
                }
                joined.extend_from_slice(&decode::form(&out.items[i].value));
            }
            let part = out.items[order[start]].part;
            let pushed = out.push(Input {
                part,
                name,
                value: Cow::Owned(joined),
                key: false,
                encoding: Encoding::Plain,
                chain: Chain::EMPTY.with(crate::Decoder::Join),
                depth: 0,
            });
            if !pushed {
                return;
            }
        }
        start = end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(s: &[u8]) -> Vec<(String, String, bool)> {
        let mut inputs = Inputs::new(100);
        parse(s, Part::Query, &mut inputs);
        inputs
            .items
            .iter()
            .map(|i| {
                (
                    String::from_utf8_lossy(&i.name).into_owned(),
                    String::from_utf8_lossy(&i.value).into_owned(),
                    i.key,
                )
            })
            .collect()
    }

    #[test]
    fn names_values_and_keys() {
        assert_eq!(
            parsed(b"a=1&b&&a%5Bx%5D=2&%27or=3"),
            [
                ("a".into(), "1".into(), false),
                ("b".into(), "".into(), false),
                ("a[x]".into(), "2".into(), false),
                ("'or".into(), "%27or".into(), true),
                ("'or".into(), "3".into(), false),
            ]
        );
    }

    #[test]
    fn repeated_names_are_joined() {
        let got = parsed(b"id=1%27+OR&x=2&id=1%3D1");
        assert_eq!(
            got.last().unwrap(),
            &("id".into(), "1' OR,1=1".into(), false)
        );
    }

    #[test]
    fn stops_at_max_inputs() {
        let mut inputs = Inputs::new(3);
        parse(b"a=1&b=2&c=3&d=4", Part::Query, &mut inputs);
        assert_eq!(inputs.items.len(), 3);
        assert!(inputs.truncated);
    }
}
