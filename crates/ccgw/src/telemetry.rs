//! Logging: `tracing` to stderr as text or JSON lines (`log_format`), filtered by
//! `RUST_LOG` (default `info`, sqlx quiet). Events carry their context as fields
//! (`work_no`, `call_id`, `client`); no password, Guid, token or key is ever a field.
//! rsipstack logs every SIP message whole at `info`, `Authorization` headers included, so
//! it is held at `warn` unless `RUST_LOG` names it.

use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;

pub fn init(format: LogFormat) {
    let mut filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let names_rsipstack = std::env::var("RUST_LOG").is_ok_and(|value| value.contains("rsipstack"));
    if !names_rsipstack && let Ok(quiet) = "rsipstack=warn".parse() {
        filter = filter.add_directive(quiet);
    }
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    // A second initialisation (tests) keeps the first subscriber.
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).with_current_span(false).try_init(),
    };
}
