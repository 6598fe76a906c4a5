//! TLS material for the HTTPS listener, and the rustls configurations built from it.
//!
//! ccgw always speaks HTTPS. An operator may configure a certificate chain and key; without
//! one, ccgw makes a self-signed certificate on its first run, keeps it in the data
//! directory and reuses it afterwards, so clients can pin it once.
//!
//! Only the `ring` crypto provider is used, and it is passed explicitly: no process-wide
//! default provider is installed or needed.

use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, bail};
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// The only ALPN protocol ccgw offers and accepts. HTTP/2 would lower-case header names,
/// and the Huawei clients look for `Set-GUID` spelled exactly so.
const ALPN_HTTP_1_1: &[u8] = b"http/1.1";

/// Names the generated certificate is valid for.
const GENERATED_SUBJECT_ALT_NAMES: [&str; 3] = ["localhost", "127.0.0.1", "::1"];

/// Common name of the generated certificate.
const GENERATED_COMMON_NAME: &str = "ccgw";

/// PEM cert chain + key for the HTTPS listener.
pub struct TlsMaterial {
    /// PEM certificate chain, leaf first.
    pub cert_pem: Vec<u8>,
    /// PEM private key (PKCS#8, SEC1 or PKCS#1).
    pub key_pem: Vec<u8>,
    /// Where the material came from.
    pub source: TlsSource,
}

/// The private key is a secret: never print it by accident.
impl fmt::Debug for TlsMaterial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsMaterial")
            .field("cert_pem", &format_args!("<{} bytes>", self.cert_pem.len()))
            .field("key_pem", &format_args!("<redacted>"))
            .field("source", &self.source)
            .finish()
    }
}

/// Where the TLS material came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsSource {
    /// Read from the certificate and key paths the operator configured.
    Configured,
    /// Self-signed certificate generated on this run and stored in the data directory.
    Generated,
    /// Self-signed certificate generated on an earlier run, read from the data directory.
    Reused,
}

/// The directory in the data directory that holds the generated certificate and key.
pub fn generated_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("tls")
}

/// Path of the generated (or reused) certificate in the data directory:
/// `<data_dir>/tls/cert.pem`. Clients of a ccgw with a self-signed certificate trust this file.
pub fn generated_cert_path(data_dir: &Path) -> PathBuf {
    generated_dir(data_dir).join("cert.pem")
}

/// Path of the generated (or reused) private key: `<data_dir>/tls/key.pem`.
pub fn generated_key_path(data_dir: &Path) -> PathBuf {
    generated_dir(data_dir).join("key.pem")
}

/// With both paths given: read them. Otherwise use `<data_dir>/tls/cert.pem` + `key.pem`,
/// generating a self-signed certificate with rcgen (SANs: localhost, 127.0.0.1, ::1;
/// CN "ccgw") on first run and keeping it (key file mode 0600). Error if only one of
/// cert/key is given.
pub fn load_or_generate(cert: Option<&Path>, key: Option<&Path>, data_dir: &Path) -> anyhow::Result<TlsMaterial> {
    match (cert, key) {
        (Some(cert), Some(key)) => read_pair(cert, key, TlsSource::Configured),
        (Some(cert), None) => {
            bail!("a TLS certificate was configured ({}) but no private key: configure both or neither", cert.display())
        }
        (None, Some(key)) => {
            bail!("a TLS private key was configured ({}) but no certificate: configure both or neither", key.display())
        }
        (None, None) => generated_or_reused(data_dir),
    }
}

/// Reads a certificate chain and key and checks that both parse.
fn read_pair(cert: &Path, key: &Path, source: TlsSource) -> anyhow::Result<TlsMaterial> {
    let cert_pem = fs::read(cert).with_context(|| format!("while reading the TLS certificate {}", cert.display()))?;
    let key_pem = fs::read(key).with_context(|| format!("while reading the TLS private key {}", key.display()))?;
    parse_certs(&cert_pem).with_context(|| format!("while parsing the TLS certificate {}", cert.display()))?;
    parse_key(&key_pem).with_context(|| format!("while parsing the TLS private key {}", key.display()))?;
    Ok(TlsMaterial { cert_pem, key_pem, source })
}

fn generated_or_reused(data_dir: &Path) -> anyhow::Result<TlsMaterial> {
    let cert_path = generated_cert_path(data_dir);
    let key_path = generated_key_path(data_dir);
    let cert_exists = exists(&cert_path)?;
    let key_exists = exists(&key_path)?;
    if cert_exists && key_exists {
        warn_if_key_exposed(&key_path);
        return read_pair(&cert_path, &key_path, TlsSource::Reused);
    }
    if cert_exists || key_exists {
        tracing::warn!(
            dir = %generated_dir(data_dir).display(),
            "only one of the generated TLS certificate and key exists; generating a new pair"
        );
    }
    let (cert_pem, key_pem) = generate_self_signed()?;
    let dir = generated_dir(data_dir);
    create_private_dir(&dir).with_context(|| format!("while creating the TLS directory {}", dir.display()))?;
    // Key first: a certificate on disk always has its key beside it.
    write_atomically(&key_path, &key_pem, 0o600)
        .with_context(|| format!("while writing the TLS private key {}", key_path.display()))?;
    write_atomically(&cert_path, &cert_pem, 0o644)
        .with_context(|| format!("while writing the TLS certificate {}", cert_path.display()))?;
    Ok(TlsMaterial { cert_pem, key_pem, source: TlsSource::Generated })
}

/// A self-signed ECDSA P-256 certificate for the local names, as (cert PEM, key PEM).
fn generate_self_signed() -> anyhow::Result<(Vec<u8>, Vec<u8>)> {
    let names: Vec<String> = GENERATED_SUBJECT_ALT_NAMES.iter().map(|name| (*name).to_owned()).collect();
    let mut params = rcgen::CertificateParams::new(names).context("while preparing the self-signed TLS certificate")?;
    let mut subject = rcgen::DistinguishedName::new();
    subject.push(rcgen::DnType::CommonName, GENERATED_COMMON_NAME);
    params.distinguished_name = subject;
    params.key_usages = vec![rcgen::KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
    let key = rcgen::KeyPair::generate().context("while generating the TLS private key")?;
    let cert = params.self_signed(&key).context("while signing the self-signed TLS certificate")?;
    Ok((cert.pem().into_bytes(), key.serialize_pem().into_bytes()))
}

fn exists(path: &Path) -> anyhow::Result<bool> {
    path.try_exists().with_context(|| format!("while looking for {}", path.display()))
}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    fs::DirBuilder::new().recursive(true).mode(0o700).create(dir)
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> io::Result<()> {
    fs::create_dir_all(dir)
}

/// Writes `contents` to a temporary file beside `path` created with `mode`, then renames
/// it over `path`, so a reader never sees a half-written file and a key file is never
/// readable by others, not even briefly.
fn write_atomically(path: &Path, contents: &[u8], mode: u32) -> io::Result<()> {
    use std::io::Write;

    let file_name = path.file_name().map_or_else(|| "file".into(), |name| name.to_string_lossy().into_owned());
    let temp = path.with_file_name(format!(".{file_name}.tmp-{}", std::process::id()));
    match fs::remove_file(&temp) {
        Ok(()) => {}
        Err(error) if error.kind() == io::ErrorKind::NotFound => {}
        Err(error) => return Err(error),
    }
    let result = (|| {
        let mut file = open_new(&temp, mode)?;
        file.write_all(contents)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&temp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result
}

#[cfg(unix)]
fn open_new(path: &Path, mode: u32) -> io::Result<fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    fs::OpenOptions::new().write(true).create_new(true).mode(mode).open(path)
}

#[cfg(not(unix))]
fn open_new(path: &Path, _mode: u32) -> io::Result<fs::File> {
    fs::OpenOptions::new().write(true).create_new(true).open(path)
}

#[cfg(unix)]
fn warn_if_key_exposed(key_path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(metadata) = fs::metadata(key_path) {
        let mode = metadata.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            tracing::warn!(
                path = %key_path.display(),
                mode = format_args!("{mode:o}"),
                "the TLS private key is readable by other users; chmod 600 it"
            );
        }
    }
}

#[cfg(not(unix))]
fn warn_if_key_exposed(_key_path: &Path) {}

fn parse_certs(pem: &[u8]) -> anyhow::Result<Vec<CertificateDer<'static>>> {
    let certs =
        rustls_pemfile::certs(&mut &pem[..]).collect::<Result<Vec<_>, _>>().context("the PEM data is malformed")?;
    if certs.is_empty() {
        bail!("no PEM \"CERTIFICATE\" block found");
    }
    Ok(certs)
}

fn parse_key(pem: &[u8]) -> anyhow::Result<PrivateKeyDer<'static>> {
    rustls_pemfile::private_key(&mut &pem[..])
        .context("the PEM data is malformed")?
        .context("no PEM private key block found (PKCS#8, SEC1 or PKCS#1)")
}

fn ring_provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// rustls `ServerConfig` (ring provider), no client auth, ALPN exactly `["http/1.1"]`
/// (HTTP/2 would lower-case the `Set-GUID` header name the clients need), and stateless
/// session tickets, so that a client that reconnects (agent desktops close idle command
/// connections) resumes without a full handshake however many clients there are; the
/// default stateful cache holds only 256 sessions.
pub fn server_config(material: &TlsMaterial) -> anyhow::Result<Arc<rustls::ServerConfig>> {
    let certs = parse_certs(&material.cert_pem).context("while loading the TLS certificate")?;
    let key = parse_key(&material.key_pem).context("while loading the TLS private key")?;
    let mut config = rustls::ServerConfig::builder_with_provider(ring_provider())
        .with_safe_default_protocol_versions()
        .context("while choosing TLS protocol versions")?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .context("while pairing the TLS certificate with its private key")?;
    config.alpn_protocols = vec![ALPN_HTTP_1_1.to_vec()];
    config.ticketer = rustls::crypto::ring::Ticketer::new().context("while creating the session ticketer")?;
    Ok(Arc::new(config))
}

/// rustls `ClientConfig` (ring provider) trusting exactly the given PEM certificates (used
/// by the CLI and tests to reach a ccgw with its self-signed cert). ALPN http/1.1.
pub fn client_config_trusting(cert_pem: &[u8]) -> anyhow::Result<rustls::ClientConfig> {
    let certs = parse_certs(cert_pem).context("while loading the certificates to trust")?;
    let mut roots = rustls::RootCertStore::empty();
    for cert in certs {
        roots.add(cert).context("while adding a certificate to the trusted set")?;
    }
    let mut config = rustls::ClientConfig::builder_with_provider(ring_provider())
        .with_safe_default_protocol_versions()
        .context("while choosing TLS protocol versions")?
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![ALPN_HTTP_1_1.to_vec()];
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    use rustls::pki_types::ServerName;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[test]
    fn generates_on_first_run_and_reuses_afterwards() {
        let dir = tempfile::tempdir().unwrap();
        let first = load_or_generate(None, None, dir.path()).unwrap();
        assert_eq!(first.source, TlsSource::Generated);
        assert!(first.cert_pem.starts_with(b"-----BEGIN CERTIFICATE-----"));
        assert!(generated_cert_path(dir.path()).is_file());
        assert!(generated_key_path(dir.path()).is_file());

        let second = load_or_generate(None, None, dir.path()).unwrap();
        assert_eq!(second.source, TlsSource::Reused);
        assert_eq!(second.cert_pem, first.cert_pem);
        assert_eq!(second.key_pem, first.key_pem);
    }

    #[test]
    fn a_missing_half_of_the_generated_pair_is_regenerated() {
        let dir = tempfile::tempdir().unwrap();
        let first = load_or_generate(None, None, dir.path()).unwrap();
        fs::remove_file(generated_key_path(dir.path())).unwrap();
        let second = load_or_generate(None, None, dir.path()).unwrap();
        assert_eq!(second.source, TlsSource::Generated);
        assert_ne!(second.cert_pem, first.cert_pem);
        server_config(&second).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn the_generated_key_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        load_or_generate(None, None, dir.path()).unwrap();
        let mode = fs::metadata(generated_key_path(dir.path())).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let dir_mode = fs::metadata(generated_dir(dir.path())).unwrap().permissions().mode();
        assert_eq!(dir_mode & 0o777, 0o700);
    }

    #[test]
    fn a_configured_pair_is_read() {
        let source = tempfile::tempdir().unwrap();
        let generated = load_or_generate(None, None, source.path()).unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        let cert = elsewhere.path().join("server.crt");
        let key = elsewhere.path().join("server.key");
        fs::write(&cert, &generated.cert_pem).unwrap();
        fs::write(&key, &generated.key_pem).unwrap();

        let data_dir = tempfile::tempdir().unwrap();
        let configured = load_or_generate(Some(&cert), Some(&key), data_dir.path()).unwrap();
        assert_eq!(configured.source, TlsSource::Configured);
        assert_eq!(configured.cert_pem, generated.cert_pem);
        assert_eq!(configured.key_pem, generated.key_pem);
        // Nothing is generated when the operator configured a pair.
        assert!(!generated_dir(data_dir.path()).exists());
    }

    #[test]
    fn only_one_configured_path_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.pem");
        let error = load_or_generate(Some(&path), None, dir.path()).unwrap_err();
        assert!(error.to_string().contains("no private key"), "{error:#}");
        let error = load_or_generate(None, Some(&path), dir.path()).unwrap_err();
        assert!(error.to_string().contains("no certificate"), "{error:#}");
    }

    #[test]
    fn a_configured_file_that_is_not_pem_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let cert = dir.path().join("cert.pem");
        let key = dir.path().join("key.pem");
        fs::write(&cert, b"not a certificate").unwrap();
        fs::write(&key, b"not a key").unwrap();
        let error = load_or_generate(Some(&cert), Some(&key), dir.path()).unwrap_err();
        assert!(format!("{error:#}").contains("certificate"), "{error:#}");
        let missing = dir.path().join("missing.pem");
        assert!(load_or_generate(Some(&missing), Some(&key), dir.path()).is_err());
    }

    /// Connects once over an in-memory pipe; returns how the handshake went.
    async fn handshake_kind(
        server: Arc<rustls::ServerConfig>,
        client: Arc<rustls::ClientConfig>,
    ) -> Option<rustls::HandshakeKind> {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let (near, far) = tokio::io::duplex(64 * 1024);
        let serving = tokio::spawn(async move {
            let mut tls = tokio_rustls::TlsAcceptor::from(server).accept(far).await.unwrap();
            tls.write_all(b"x").await.unwrap();
            tls.flush().await.unwrap();
            let mut rest = Vec::new();
            let _ = tls.read_to_end(&mut rest).await;
        });
        let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
        let mut tls = tokio_rustls::TlsConnector::from(client).connect(name, near).await.unwrap();
        // Reading the first byte also takes in the session tickets sent before it.
        let mut byte = [0u8; 1];
        tls.read_exact(&mut byte).await.unwrap();
        let kind = tls.get_ref().1.handshake_kind();
        tls.shutdown().await.unwrap();
        drop(tls);
        serving.await.unwrap();
        kind
    }

    #[tokio::test]
    async fn a_client_that_reconnects_resumes_its_session() {
        let dir = tempfile::tempdir().unwrap();
        let material = load_or_generate(None, None, dir.path()).unwrap();
        let server = server_config(&material).unwrap();
        // Stateless tickets, not the 256-session stateful cache.
        assert!(server.ticketer.enabled());
        let client = Arc::new(client_config_trusting(&material.cert_pem).unwrap());
        assert_eq!(handshake_kind(server.clone(), client.clone()).await, Some(rustls::HandshakeKind::Full));
        assert_eq!(handshake_kind(server, client).await, Some(rustls::HandshakeKind::Resumed));
    }

    #[test]
    fn server_config_offers_only_http_1_1() {
        let dir = tempfile::tempdir().unwrap();
        let material = load_or_generate(None, None, dir.path()).unwrap();
        let config = server_config(&material).unwrap();
        assert_eq!(config.alpn_protocols, vec![b"http/1.1".to_vec()]);
        let client = client_config_trusting(&material.cert_pem).unwrap();
        assert_eq!(client.alpn_protocols, vec![b"http/1.1".to_vec()]);
    }

    #[test]
    fn debug_output_hides_the_key() {
        let dir = tempfile::tempdir().unwrap();
        let material = load_or_generate(None, None, dir.path()).unwrap();
        let shown = format!("{material:?}");
        assert!(!shown.contains("PRIVATE KEY"), "{shown}");
        assert!(shown.contains("redacted"), "{shown}");
    }

    /// Runs a TLS handshake over an in-memory duplex stream and echoes a few bytes.
    async fn handshake(
        server: Arc<rustls::ServerConfig>,
        client: rustls::ClientConfig,
        server_name: &str,
    ) -> Result<Option<Vec<u8>>, io::Error> {
        let (client_io, server_io) = tokio::io::duplex(64 * 1024);
        let acceptor = tokio_rustls::TlsAcceptor::from(server);
        let connector = tokio_rustls::TlsConnector::from(Arc::new(client));
        let name = ServerName::try_from(server_name.to_owned()).unwrap();
        let server_side = async move {
            let mut stream = acceptor.accept(server_io).await?;
            let mut buf = [0_u8; 4];
            stream.read_exact(&mut buf).await?;
            stream.write_all(&buf).await?;
            stream.shutdown().await?;
            Ok::<_, io::Error>(())
        };
        let client_side = async move {
            let mut stream = connector.connect(name, client_io).await?;
            let alpn = stream.get_ref().1.alpn_protocol().map(<[u8]>::to_vec);
            stream.write_all(b"ping").await?;
            let mut buf = [0_u8; 4];
            stream.read_exact(&mut buf).await?;
            assert_eq!(&buf, b"ping");
            Ok::<_, io::Error>(alpn)
        };
        let (server_result, client_result) = tokio::join!(server_side, client_side);
        let alpn = client_result?;
        server_result?;
        Ok(alpn)
    }

    #[tokio::test]
    async fn a_client_trusting_the_generated_cert_completes_a_handshake() {
        let dir = tempfile::tempdir().unwrap();
        let material = load_or_generate(None, None, dir.path()).unwrap();
        for name in ["localhost", "127.0.0.1", "::1"] {
            let alpn =
                handshake(server_config(&material).unwrap(), client_config_trusting(&material.cert_pem).unwrap(), name)
                    .await
                    .unwrap_or_else(|error| panic!("handshake for {name}: {error}"));
            assert_eq!(alpn.as_deref(), Some(&b"http/1.1"[..]), "{name}");
        }
    }

    #[tokio::test]
    async fn a_handshake_over_a_loopback_socket_succeeds() {
        let dir = tempfile::tempdir().unwrap();
        let material = load_or_generate(None, None, dir.path()).unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let acceptor = tokio_rustls::TlsAcceptor::from(server_config(&material).unwrap());
        let server = tokio::spawn(async move {
            let (socket, _) = listener.accept().await?;
            let mut stream = acceptor.accept(socket).await?;
            stream.write_all(b"hello").await?;
            stream.shutdown().await?;
            Ok::<_, io::Error>(())
        });
        let connector = tokio_rustls::TlsConnector::from(Arc::new(client_config_trusting(&material.cert_pem).unwrap()));
        let socket = tokio::net::TcpStream::connect(address).await.unwrap();
        let mut stream = connector.connect(ServerName::try_from("127.0.0.1").unwrap(), socket).await.unwrap();
        let mut received = Vec::new();
        stream.read_to_end(&mut received).await.unwrap();
        assert_eq!(received, b"hello");
        server.await.unwrap().unwrap();
    }

    #[tokio::test]
    async fn a_client_trusting_another_cert_is_refused() {
        let ours = tempfile::tempdir().unwrap();
        let theirs = tempfile::tempdir().unwrap();
        let material = load_or_generate(None, None, ours.path()).unwrap();
        let other = load_or_generate(None, None, theirs.path()).unwrap();
        let result =
            handshake(server_config(&material).unwrap(), client_config_trusting(&other.cert_pem).unwrap(), "localhost")
                .await;
        assert!(result.is_err());
    }

    #[tokio::test]
    async fn a_name_outside_the_certificate_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let material = load_or_generate(None, None, dir.path()).unwrap();
        let result = handshake(
            server_config(&material).unwrap(),
            client_config_trusting(&material.cert_pem).unwrap(),
            "example.com",
        )
        .await;
        assert!(result.is_err());
    }
}
