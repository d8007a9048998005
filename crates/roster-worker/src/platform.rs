//! The two things the core never does itself: read the clock and draw
//! random bytes.

use roster_core::time::Timestamp;
use wasm_bindgen::JsCast;

/// Now, from the Worker's clock.
pub fn now() -> Timestamp {
    #[allow(clippy::cast_precision_loss)] // milliseconds since 1970 fit f64 exactly
    Timestamp::from_unix_millis(worker::Date::now().as_millis() as f64)
}

/// `N` bytes from the platform's cryptographic generator.
///
/// # Errors
/// When the platform has no generator or it fails.
pub fn random_bytes<const N: usize>() -> worker::Result<[u8; N]> {
    let crypto = js_sys::Reflect::get(&js_sys::global(), &"crypto".into())
        .map_err(|_| worker::Error::RustError("no crypto global".into()))?
        .unchecked_into::<web_sys::Crypto>();
    let mut bytes = [0u8; N];
    crypto
        .get_random_values_with_u8_array(&mut bytes)
        .map_err(|_| worker::Error::RustError("getRandomValues failed".into()))?;
    Ok(bytes)
}

/// Whether the Worker runs locally (started with a demo key, which
/// `cargo xtask dev` and `cargo xtask test` draw at random for each run).
pub fn is_local(env: &worker::Env) -> bool {
    env.var("DEMO_SEED_KEY").is_ok_and(|v| v.to_string().len() >= 16)
}
