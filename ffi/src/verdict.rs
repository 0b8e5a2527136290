//! `mg_verdict`: the judgement of one request, its findings and its JSON.

use std::ffi::c_char;
use std::sync::OnceLock;

use mg_core::Verdict;

use super::{boundary, call, fail, mg_result, null, write_out};

/// The judgement of one request, from `mg_analyze`. Owned by the caller:
/// free it once with `mg_verdict_free`. Strings read from it stay valid
/// until then.
#[derive(Debug)]
pub struct mg_verdict {
    verdict: Verdict,
    /// `verdict.to_json()` and a NUL, made on first request.
    json: OnceLock<String>,
}

impl mg_verdict {
    pub(crate) fn new(verdict: Verdict) -> mg_verdict {
        mg_verdict {
            verdict,
            json: OnceLock::new(),
        }
    }
}

/// A borrowed string: pointer and length, UTF-8, **not** NUL-terminated
/// (print it with `printf("%.*s", (int)s.len, s.ptr)`). Valid as long as
/// the verdict it came from.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct mg_str {
    /// The first byte.
    pub ptr: *const c_char,
    /// Number of bytes.
    pub len: usize,
}

impl mg_str {
    fn of(s: &str) -> mg_str {
        mg_str {
            ptr: s.as_ptr().cast(),
            len: s.len(),
        }
    }
}

/// One finding of a verdict, from `mg_verdict_finding`. Its strings are
/// borrowed from the verdict.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct mg_finding {
    /// The attack class: `sqli`, `xss`, `rce`, `path-traversal`, ... (the
    /// JSON's `class`; named so the header also compiles as C++).
    pub attack_class: mg_str,
    /// The stable rule id, such as `sqli.tautology`.
    pub rule: mg_str,
    /// Weight of this finding towards the threshold.
    pub score: u32,
    /// The part of the request: `method`, `path`, `query`, `cookie`,
    /// `header`, `form`, `multipart`, `json`, `xml`, `body` or `request`.
    pub part: mg_str,
    /// The name within the part: argument, cookie or header name, JSON
    /// pointer, ... (empty for a whole part).
    pub name: mg_str,
    /// True when the finding is in the name (a key) rather than its value.
    pub key: bool,
    /// A short excerpt of the decoded input around what fired.
    pub evidence: mg_str,
    /// Number of decoders applied before detection; read each with
    /// `mg_verdict_finding_decoder`.
    pub decoder_count: usize,
}

/// Limits that cut analysis short (attackers pad and nest to get past
/// them).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct mg_limits {
    /// The body was longer than the bytes analyzed.
    pub body_truncated: bool,
    /// A decode or nesting depth limit stopped decoding or parsing.
    pub depth_limited: bool,
    /// There were more inputs than the engine analyzes.
    pub inputs_truncated: bool,
}

/// Frees a verdict. NULL is fine; never free a verdict twice.
///
/// # Safety
/// `verdict` must be NULL or a pointer from `mg_analyze` not freed yet.
#[no_mangle]
pub unsafe extern "C" fn mg_verdict_free(verdict: *mut mg_verdict) {
    boundary((), || {
        if !verdict.is_null() {
            // SAFETY: the caller guarantees it came from `Box::into_raw` in
            // `mg_analyze` and was not freed.
            drop(unsafe { Box::from_raw(verdict) });
        }
    })
}

/// Reads a verdict.
///
/// # Safety
/// `v` must be NULL or a live verdict.
unsafe fn get<'a>(v: *const mg_verdict) -> Option<&'a Verdict> {
    // SAFETY: the caller's guarantee.
    unsafe { v.as_ref() }.map(|v| &v.verdict)
}

/// True when the request is an attack: its score reached the engine's
/// threshold. False for NULL.
///
/// # Safety
/// `verdict` must be NULL or a live verdict.
#[no_mangle]
pub unsafe extern "C" fn mg_verdict_is_attack(verdict: *const mg_verdict) -> bool {
    boundary(false, || {
        // SAFETY: the caller's guarantee.
        unsafe { get(verdict) }.is_some_and(Verdict::is_attack)
    })
}

/// The verdict's score: its highest finding score. 0 for NULL.
///
/// # Safety
/// `verdict` must be NULL or a live verdict.
#[no_mangle]
pub unsafe extern "C" fn mg_verdict_score(verdict: *const mg_verdict) -> u32 {
    boundary(0, || {
        // SAFETY: the caller's guarantee.
        unsafe { get(verdict) }.map_or(0, Verdict::score)
    })
}

/// Number of findings, in request order. 0 for NULL.
///
/// # Safety
/// `verdict` must be NULL or a live verdict.
#[no_mangle]
pub unsafe extern "C" fn mg_verdict_finding_count(verdict: *const mg_verdict) -> usize {
    boundary(0, || {
        // SAFETY: the caller's guarantee.
        unsafe { get(verdict) }.map_or(0, |v| v.findings().len())
    })
}

/// Writes finding number `index` (from 0) to `*finding_out`. An index past
/// the last finding is `MG_INVALID_ARGUMENT`.
///
/// # Safety
/// `verdict` must be NULL or a live verdict; `finding_out` must be NULL or
/// valid for a write.
#[no_mangle]
pub unsafe extern "C" fn mg_verdict_finding(
    verdict: *const mg_verdict,
    index: usize,
    finding_out: *mut mg_finding,
) -> mg_result {
    call(|| {
        // SAFETY: the caller's guarantee.
        let v = unsafe { get(verdict) }.ok_or_else(|| null("verdict"))?;
        let f = finding(v, index)?;
        let out = mg_finding {
            attack_class: mg_str::of(f.class.as_str()),
            rule: mg_str::of(&f.rule),
            score: f.score,
            part: mg_str::of(f.location.part.as_str()),
            name: mg_str::of(&f.location.name),
            key: f.location.key,
            evidence: mg_str::of(&f.evidence),
            decoder_count: f.location.decoders.len(),
        };
        // SAFETY: the caller guarantees `finding_out` is valid for a write.
        unsafe { write_out(finding_out, out, "finding_out") }
    })
}

fn finding(v: &Verdict, index: usize) -> Result<&mg_core::Finding, mg_result> {
    v.findings().get(index).ok_or_else(|| {
        fail(
            mg_result::MG_INVALID_ARGUMENT,
            &format!(
                "finding index {index} out of range: the verdict has {} findings",
                v.findings().len()
            ),
            None,
        )
    })
}

/// Writes the name of decoder number `decoder` (from 0) of finding
/// `index` to `*name_out`: `percent`, `plus`, `html`, `js`, `base64`,
/// `utf8`, `fullwidth`, `nul` or `join`, in the order they were applied.
///
/// # Safety
/// `verdict` must be NULL or a live verdict; `name_out` must be NULL or
/// valid for a write.
#[no_mangle]
pub unsafe extern "C" fn mg_verdict_finding_decoder(
    verdict: *const mg_verdict,
    index: usize,
    decoder: usize,
    name_out: *mut mg_str,
) -> mg_result {
    call(|| {
        // SAFETY: the caller's guarantee.
        let v = unsafe { get(verdict) }.ok_or_else(|| null("verdict"))?;
        let f = finding(v, index)?;
        let d = f.location.decoders.get(decoder).ok_or_else(|| {
            fail(
                mg_result::MG_INVALID_ARGUMENT,
                &format!(
                    "decoder index {decoder} out of range: finding {index} has {} decoders",
                    f.location.decoders.len()
                ),
                None,
            )
        })?;
        // SAFETY: the caller guarantees `name_out` is valid for a write.
        unsafe { write_out(name_out, mg_str::of(d.as_str()), "name_out") }
    })
}

/// Writes which limits cut the analysis short to `*limits_out`.
///
/// # Safety
/// `verdict` must be NULL or a live verdict; `limits_out` must be NULL or
/// valid for a write.
#[no_mangle]
pub unsafe extern "C" fn mg_verdict_limits(
    verdict: *const mg_verdict,
    limits_out: *mut mg_limits,
) -> mg_result {
    call(|| {
        // SAFETY: the caller's guarantee.
        let v = unsafe { get(verdict) }.ok_or_else(|| null("verdict"))?;
        let l = v.limits();
        let out = mg_limits {
            body_truncated: l.body_truncated,
            depth_limited: l.depth_limited,
            inputs_truncated: l.inputs_truncated,
        };
        // SAFETY: the caller guarantees `limits_out` is valid for a write.
        unsafe { write_out(limits_out, out, "limits_out") }
    })
}

/// The verdict as JSON, the one shape shared by every binding:
/// `{"attack":..,"score":..,"findings":[..],"limits":{..}}`, byte for byte
/// what the Rust API's `Verdict::to_json` gives. Writes a pointer to the
/// text to `*json_out` and its length (without the terminating NUL, which
/// is there) to `*len_out`. The text is made on the first call and stays
/// valid until the verdict is freed.
///
/// # Safety
/// `verdict` must be NULL or a live verdict; `json_out` and `len_out`
/// must each be NULL or valid for a write.
#[no_mangle]
pub unsafe extern "C" fn mg_verdict_json(
    verdict: *const mg_verdict,
    json_out: *mut *const c_char,
    len_out: *mut usize,
) -> mg_result {
    call(|| {
        // SAFETY: the caller guarantees a live verdict when not NULL.
        let v = unsafe { verdict.as_ref() }.ok_or_else(|| null("verdict"))?;
        if json_out.is_null() {
            return Err(null("json_out"));
        }
        if len_out.is_null() {
            return Err(null("len_out"));
        }
        let json = v.json.get_or_init(|| {
            let mut s = v.verdict.to_json();
            s.push('\0');
            s
        });
        // SAFETY: the caller guarantees both are valid for a write.
        unsafe {
            json_out.write(json.as_ptr().cast());
            len_out.write(json.len() - 1);
        }
        Ok(())
    })
}
