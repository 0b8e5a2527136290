//! Link arguments for an extension module (on macOS, symbols resolved by the
//! interpreter at load time); maturin adds the same when it builds wheels.
fn main() {
    pyo3_build_config::add_extension_module_link_args();
}
