//! Placeholder: to be written.

use crate::error::Error;
use crate::request::Request;

/// Not yet implemented.
pub(crate) fn parse(_raw: &[u8]) -> Result<Request<'_>, Error> {
    Err(Error::http("not implemented"))
}
