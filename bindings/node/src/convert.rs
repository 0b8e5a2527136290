//! JavaScript values to request bytes. Every wrong type is a `TypeError`
//! that names the field; nothing a request contains is an error.

use napi::bindgen_prelude::*;
use napi::{Env, JsObject, JsString, JsTypedArray, JsUnknown, TypedArrayType, ValueType};

/// A request copied out of JavaScript, so that it can cross to the libuv
/// thread pool. [`OwnedRequest::view`] borrows it as a core request.
#[derive(Debug, Default)]
pub(crate) struct OwnedRequest {
    method: Option<Vec<u8>>,
    uri: Vec<u8>,
    version: Option<Vec<u8>>,
    headers: Vec<(Vec<u8>, Vec<u8>)>,
    body: Vec<u8>,
    client: Option<Vec<u8>>,
    request_id: Option<Vec<u8>>,
}

impl OwnedRequest {
    pub(crate) fn view(&self) -> mirrorguard::Request<'_> {
        let mut b = mirrorguard::Request::builder()
            .uri(&self.uri)
            .body(&self.body);
        if let Some(m) = &self.method {
            b = b.method(m);
        }
        if let Some(v) = &self.version {
            b = b.version(v);
        }
        for (n, v) in &self.headers {
            b = b.header(n, v);
        }
        if let Some(c) = &self.client {
            b = b.client(c);
        }
        if let Some(id) = &self.request_id {
            b = b.request_id(id);
        }
        b.build()
    }
}

/// A `TypeError` with Node's code for a wrong argument type.
pub(crate) fn type_error(env: &Env, message: &str) -> Error {
    let build = || -> Result<JsObject> {
        let ctor: JsFunction = env.get_global()?.get_named_property("TypeError")?;
        let mut error = ctor.new_instance(&[env.create_string(message)?])?;
        error.set_named_property("code", env.create_string("ERR_INVALID_ARG_TYPE")?)?;
        Ok(error)
    };
    match build() {
        Ok(error) => Error::from(error.into_unknown()),
        Err(e) => e,
    }
}

/// `{ method, uri, version, headers, body, client, requestId }`; `uri` is
/// required (a forgotten or misspelt one would analyze `/` in silence).
pub(crate) fn request_from_js(env: &Env, value: JsUnknown) -> Result<OwnedRequest> {
    if value.get_type()? != ValueType::Object || value.is_array()? || value.is_typedarray()? {
        return Err(type_error(
            env,
            "request must be an object { method, uri, headers, body, client, requestId }",
        ));
    }
    let obj: JsObject = value.coerce_to_object()?;
    let field = |name: &str| -> Result<Option<JsUnknown>> {
        let v: JsUnknown = obj.get_named_property(name)?;
        Ok(match v.get_type()? {
            ValueType::Undefined | ValueType::Null => None,
            _ => Some(v),
        })
    };
    let opt_bytes = |name: &str, js_name: &str| -> Result<Option<Vec<u8>>> {
        field(name)?
            .map(|v| bytes_from_js(env, v, js_name))
            .transpose()
    };
    let uri = opt_bytes("uri", "request.uri")?.ok_or_else(|| {
        type_error(
            env,
            "request.uri is required: a string, Buffer or Uint8Array (the request target)",
        )
    })?;
    Ok(OwnedRequest {
        method: opt_bytes("method", "request.method")?,
        uri,
        version: opt_bytes("version", "request.version")?,
        headers: match field("headers")? {
            Some(h) => headers_from_js(env, h)?,
            None => Vec::new(),
        },
        body: opt_bytes("body", "request.body")?.unwrap_or_default(),
        client: opt_bytes("client", "request.client")?,
        request_id: opt_bytes("requestId", "request.requestId")?,
    })
}

/// A string (as UTF-8) or a `Uint8Array` (a `Buffer` is one), copied.
/// Other typed arrays and `DataView`s are type errors.
pub(crate) fn bytes_from_js(env: &Env, value: JsUnknown, name: &str) -> Result<Vec<u8>> {
    match value.get_type()? {
        ValueType::String => Ok(value.coerce_to_string()?.into_utf8()?.take()),
        ValueType::Object if value.is_typedarray()? => {
            let array = JsTypedArray::try_from(value)?.into_value()?;
            if array.typedarray_type != TypedArrayType::Uint8 {
                Err(bytes_type_error(env, name))
            } else if array.length == 0 {
                // An empty array may have no backing store: its data pointer
                // is null, which napi-rs would make a slice of.
                Ok(Vec::new())
            } else {
                Ok(AsRef::<[u8]>::as_ref(&array).to_vec())
            }
        }
        _ => Err(bytes_type_error(env, name)),
    }
}

fn bytes_type_error(env: &Env, name: &str) -> Error {
    type_error(
        env,
        &format!("{name} must be a string, Buffer or Uint8Array"),
    )
}

/// Headers as an object (`{ name: value }`, a value may be an array of
/// values, as in Node's `req.headers`), an array of `[name, value]` pairs,
/// or a flat `[name, value, name, value...]` array (Node's `req.rawHeaders`).
fn headers_from_js(env: &Env, value: JsUnknown) -> Result<Vec<(Vec<u8>, Vec<u8>)>> {
    const SHAPE: &str = "request.headers must be an object of name: value, \
                         an array of [name, value] pairs or a flat [name, value, ...] array";
    if value.get_type()? != ValueType::Object || value.is_typedarray()? {
        return Err(type_error(env, SHAPE));
    }
    let obj: JsObject = value.coerce_to_object()?;
    let mut headers = Vec::new();
    if obj.is_array()? {
        let len = obj.get_array_length()?;
        let mut i = 0;
        while i < len {
            let item: JsUnknown = obj.get_element(i)?;
            if item.get_type()? == ValueType::Object && item.is_array()? {
                let pair: JsObject = item.coerce_to_object()?;
                if pair.get_array_length()? != 2 {
                    return Err(type_error(
                        env,
                        &format!("request.headers[{i}] must be a [name, value] pair"),
                    ));
                }
                let name = bytes_from_js(env, pair.get_element(0)?, "a header name")?;
                let value = bytes_from_js(env, pair.get_element(1)?, "a header value")?;
                headers.push((name, value));
                i += 1;
            } else {
                if i + 1 >= len {
                    return Err(type_error(env, SHAPE));
                }
                let name = bytes_from_js(env, item, "a header name")?;
                let value = bytes_from_js(env, obj.get_element(i + 1)?, "a header value")?;
                headers.push((name, value));
                i += 2;
            }
        }
        return Ok(headers);
    }
    let names = obj.get_property_names()?;
    for i in 0..names.get_array_length()? {
        let key: JsString = names.get_element(i)?;
        let key = key.into_utf8()?;
        let name = key.as_slice().to_vec();
        let value: JsUnknown = obj.get_property(key.into_value())?;
        if value.get_type()? == ValueType::Object && value.is_array()? {
            let values: JsObject = value.coerce_to_object()?;
            for j in 0..values.get_array_length()? {
                let v = bytes_from_js(env, values.get_element(j)?, "a header value")?;
                headers.push((name.clone(), v));
            }
        } else {
            headers.push((name, bytes_from_js(env, value, "a header value")?));
        }
    }
    Ok(headers)
}
