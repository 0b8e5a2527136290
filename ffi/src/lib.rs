//! The C ABI of mirrorguard: `libmirrorguard.so` / `libmirrorguard.a` and
//! the header `ffi/include/mirrorguard.h`, generated from these sources by
//! cbindgen.
//!
//! Conventions, the same in every function:
//!
//! - Opaque handles come in `_new`/`_free` pairs. Freeing NULL does
//!   nothing; freeing twice is undefined behaviour.
//! - Every buffer is a pointer and a length. Bytes need not be UTF-8 nor
//!   NUL-terminated. A NULL pointer with length 0 is an empty buffer; a NULL
//!   pointer with a length is `MG_NULL_ARGUMENT`.
//! - Functions that can fail return an [`mg_result`] and write their
//!   out-parameters only on success. On failure [`mg_last_error`] tells
//!   what was wrong (for a configuration, which field).
//! - No function unwinds into C: each body runs inside a panic boundary
//!   that turns a panic into `MG_PANIC`.
//!
//! Thread safety: one `mg_engine` may be shared by any number of threads
//! (`mg_analyze` takes it as `const` and keeps no state between calls). An
//! `mg_verdict` or `mg_http_request` belongs to the caller that got it:
//! read it from any one thread, free it once. The last error is kept per
//! thread.
#![deny(missing_docs)]
// Submodules name their siblings with `super::`, not `crate::`: the overhead
// benchmark compiles this file as a module of its own crate.
// The C names (`mg_engine`, `MG_OK`) are the API.
#![allow(non_camel_case_types)]

use std::cell::RefCell;
use std::ffi::{c_char, CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};

pub mod engine;
pub mod http;
pub mod verdict;

/// What a call did. The values are stable: new codes may be added, existing
/// ones never change meaning or number.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum mg_result {
    /// Success; the out-parameters were written.
    MG_OK = 0,
    /// A required pointer was NULL, or a buffer pointer was NULL with a
    /// non-zero length.
    MG_NULL_ARGUMENT = 1,
    /// A length too large to be a buffer, or an index out of range.
    MG_INVALID_ARGUMENT = 2,
    /// The configuration text is not a valid configuration; the last error
    /// names the field.
    MG_INVALID_CONFIG = 3,
    /// The bytes given to `mg_parse_http1` are not an HTTP/1.x request.
    MG_MALFORMED_HTTP = 4,
    /// A bug in mirrorguard: a panic was caught at the C boundary.
    MG_PANIC = 5,
}

impl mg_result {
    fn message(self) -> &'static CStr {
        match self {
            mg_result::MG_OK => c"success",
            mg_result::MG_NULL_ARGUMENT => c"a required pointer argument is NULL",
            mg_result::MG_INVALID_ARGUMENT => c"an argument is out of range",
            mg_result::MG_INVALID_CONFIG => c"invalid configuration",
            mg_result::MG_MALFORMED_HTTP => c"malformed HTTP request",
            mg_result::MG_PANIC => c"internal error (a panic was caught)",
        }
    }
}

/// The library version, such as `"0.1.0"`: a static NUL-terminated string.
#[no_mangle]
pub extern "C" fn mg_version() -> *const c_char {
    boundary(c"".as_ptr(), || {
        concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
    })
}

/// A short description of a result code: a static NUL-terminated string.
/// Takes any number, so codes from a newer library are described as
/// unknown rather than misread.
#[no_mangle]
pub extern "C" fn mg_result_message(result: u32) -> *const c_char {
    boundary(c"".as_ptr(), || {
        let all = [
            mg_result::MG_OK,
            mg_result::MG_NULL_ARGUMENT,
            mg_result::MG_INVALID_ARGUMENT,
            mg_result::MG_INVALID_CONFIG,
            mg_result::MG_MALFORMED_HTTP,
            mg_result::MG_PANIC,
        ];
        all.into_iter()
            .find(|r| *r as u32 == result)
            .map_or(c"unknown result code", mg_result::message)
            .as_ptr()
    })
}

struct LastError {
    message: CString,
    field: CString,
}

thread_local! {
    static LAST_ERROR: RefCell<LastError> = RefCell::new(LastError {
        message: CString::default(),
        field: CString::default(),
    });
}

/// A C string from text that may hold NUL bytes (a configuration can).
fn c_string(text: &str) -> CString {
    CString::new(text.replace('\0', "\\0")).unwrap_or_default()
}

/// Records the error of a failing call on this thread and returns its code.
pub(crate) fn fail(code: mg_result, message: &str, field: Option<&str>) -> mg_result {
    LAST_ERROR.with(|e| {
        let mut e = e.borrow_mut();
        e.message = c_string(message);
        e.field = c_string(field.unwrap_or(""));
    });
    code
}

/// `MG_NULL_ARGUMENT`, naming the argument.
pub(crate) fn null(argument: &str) -> mg_result {
    fail(
        mg_result::MG_NULL_ARGUMENT,
        &format!("argument `{argument}` is NULL"),
        None,
    )
}

/// The message of the last call that failed on this thread, such as
/// ``invalid configuration: field `threshold`: must be at least 1``; an
/// empty string when none has. Calls that succeed leave it unchanged. The
/// string is NUL-terminated and valid until the next failing call on this
/// thread.
#[no_mangle]
pub extern "C" fn mg_last_error() -> *const c_char {
    boundary(c"".as_ptr(), || {
        LAST_ERROR.with(|e| e.borrow().message.as_ptr())
    })
}

/// The configuration field at fault in the last failing call on this
/// thread, as a dotted path (`limits.max_inputs`, `exclusions[0]`); an
/// empty string when the error was not about one field. Valid as
/// `mg_last_error`'s string.
#[no_mangle]
pub extern "C" fn mg_last_error_field() -> *const c_char {
    boundary(c"".as_ptr(), || {
        LAST_ERROR.with(|e| e.borrow().field.as_ptr())
    })
}

/// Runs `f` inside the panic boundary: a panic becomes `on_panic`.
pub(crate) fn boundary<T>(on_panic: T, f: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or(on_panic)
}

/// Runs a fallible call inside the panic boundary: `Err(code)` is returned
/// as is (the last error already set), a panic becomes `MG_PANIC`.
pub(crate) fn call(f: impl FnOnce() -> Result<(), mg_result>) -> mg_result {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(())) => mg_result::MG_OK,
        Ok(Err(code)) => code,
        Err(_) => fail(
            mg_result::MG_PANIC,
            "internal error: a panic was caught at the C boundary",
            None,
        ),
    }
}

/// Views a caller's buffer.
///
/// # Safety
/// When `ptr` is not NULL it must point to `len` readable bytes that stay
/// valid and unchanged for `'a`.
pub(crate) unsafe fn bytes<'a>(
    ptr: *const c_char,
    len: usize,
    argument: &str,
) -> Result<&'a [u8], mg_result> {
    if ptr.is_null() {
        return if len == 0 {
            Ok(&[])
        } else {
            Err(null(argument))
        };
    }
    if len > isize::MAX as usize {
        return Err(fail(
            mg_result::MG_INVALID_ARGUMENT,
            &format!("argument `{argument}`: length {len} is too large"),
            None,
        ));
    }
    // SAFETY: `ptr` is not NULL, `u8` has no alignment requirement, `len`
    // fits a slice, and the caller guarantees `len` readable bytes for 'a.
    Ok(unsafe { std::slice::from_raw_parts(ptr.cast::<u8>(), len) })
}

/// Writes an out-parameter.
///
/// # Safety
/// `out` must be NULL or valid for a write of `T`.
pub(crate) unsafe fn write_out<T>(out: *mut T, value: T, argument: &str) -> Result<(), mg_result> {
    if out.is_null() {
        return Err(null(argument));
    }
    // SAFETY: not NULL, and the caller guarantees it is valid for writes.
    unsafe { out.write(value) };
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn result_messages_are_total() {
        // SAFETY: mg_result_message returns static NUL-terminated strings.
        let msg = |r| unsafe { CStr::from_ptr(mg_result_message(r)) };
        assert_eq!(msg(0).to_str(), Ok("success"));
        assert_eq!(msg(3).to_str(), Ok("invalid configuration"));
        assert_eq!(msg(999).to_str(), Ok("unknown result code"));
        // SAFETY: as above.
        let version = unsafe { CStr::from_ptr(mg_version()) };
        assert_eq!(version.to_str(), Ok(env!("CARGO_PKG_VERSION")));
    }

    #[test]
    fn last_error_names_the_field_and_survives_success() {
        let _ = fail(mg_result::MG_INVALID_CONFIG, "bad\0thing", Some("limits.x"));
        // SAFETY: NUL-terminated, valid until the next failure on this thread.
        let (m, f) = unsafe {
            (
                CStr::from_ptr(mg_last_error())
                    .to_str()
                    .unwrap()
                    .to_string(),
                CStr::from_ptr(mg_last_error_field())
                    .to_str()
                    .unwrap()
                    .to_string(),
            )
        };
        assert_eq!(m, "bad\\0thing");
        assert_eq!(f, "limits.x");
        assert_eq!(call(|| Ok(())), mg_result::MG_OK);
        assert_eq!(call(|| panic!("boom")), mg_result::MG_PANIC);
        // SAFETY: as above.
        let m = unsafe { CStr::from_ptr(mg_last_error()) };
        assert!(m.to_str().unwrap().contains("panic"));
    }
}
