//! A small client for the end-to-end tests: one per signed-in administrator,
//! keeping its session cookie like a browser would.

use serde_json::Value;

/// The running server's base URL, given by `cargo xtask test`.
///
/// # Panics
/// When `ROSTER_URL` is not set: these tests need the runtime that
/// `cargo xtask test` starts.
pub fn base_url() -> String {
    std::env::var("ROSTER_URL").expect("ROSTER_URL is not set: run the end-to-end tests with `cargo xtask test`")
}

/// The demo administrators' password.
pub fn demo_password() -> String {
    std::env::var("ROSTER_DEMO_PASSWORD").unwrap_or_else(|_| "roster-demo".into())
}

/// An HTTP answer: status and JSON body (`Null` when empty).
#[derive(Debug)]
pub struct Answer {
    /// HTTP status.
    pub status: u16,
    /// Parsed body.
    pub body: Value,
    /// The first `Set-Cookie` header, if any.
    pub set_cookie: Option<String>,
    /// Every `Set-Cookie` header.
    pub set_cookies: Vec<String>,
    /// The `Retry-After` header, if any.
    pub retry_after: Option<String>,
    /// Whether the answer is one kept for an idempotency key, given again.
    pub replayed: bool,
}

fn replayed(response: &ureq::http::Response<ureq::Body>) -> bool {
    response.headers().get("idempotent-replayed").is_some_and(|v| v == "true")
}

/// A caller: anonymous, or holding a session cookie or a bearer token.
#[derive(Clone, Debug, Default)]
pub struct Client {
    cookie: Option<String>,
    bearer: Option<String>,
    origin: Option<String>,
    seed_key: Option<String>,
    address: Option<String>,
    device: Option<String>,
    extra: Vec<(String, String)>,
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder().http_status_as_error(false).build().into()
}

impl Client {
    /// Nobody signed in.
    pub fn anonymous() -> Self {
        Self::default()
    }

    /// Signs in as `email` with the demo password.
    ///
    /// # Panics
    /// When signing in fails.
    pub fn sign_in(email: &str) -> Self {
        let mut client = Self::anonymous();
        let answer = client.send(
            "POST",
            "/api/v1/session",
            Some(&serde_json::json!({
                "email": email, "password": demo_password()
            })),
        );
        assert_eq!(answer.status, 201, "sign-in of {email}: {:?}", answer.body);
        let cookie = answer.set_cookie.expect("sign-in sets a cookie");
        client.cookie = Some(cookie.split(';').next().unwrap_or_default().to_owned());
        client
    }

    /// A caller presenting this raw cookie pair.
    pub fn with_cookie(cookie: &str) -> Self {
        Self { cookie: Some(cookie.to_owned()), ..Self::default() }
    }

    /// The same caller, using a bearer token instead of a cookie.
    pub fn with_token(token: &str) -> Self {
        Self { bearer: Some(token.to_owned()), ..Self::default() }
    }

    /// The same caller, claiming requests come from `origin` (as a browser would).
    #[must_use]
    pub fn from_origin(&self, origin: &str) -> Self {
        Self { origin: Some(origin.to_owned()), ..self.clone() }
    }

    /// The same caller, from another network address (as the platform
    /// reports it in `CF-Connecting-IP`).
    #[must_use]
    pub fn from_address(&self, address: &str) -> Self {
        Self { address: Some(address.to_owned()), ..self.clone() }
    }

    /// The same caller, its browser holding this device cookie pair.
    #[must_use]
    pub fn with_device(&self, device: &str) -> Self {
        Self { device: Some(device.to_owned()), ..self.clone() }
    }

    /// The same caller, sending these headers too.
    #[must_use]
    pub fn with_headers(&self, headers: &[(&str, &str)]) -> Self {
        let extra = headers.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        Self { extra, ..self.clone() }
    }

    /// Sends a request with an optional JSON body.
    ///
    /// # Panics
    /// When the server cannot be reached.
    pub fn send(&self, method: &str, path: &str, body: Option<&Value>) -> Answer {
        self.exchange(method, path, body.map(ToString::to_string))
    }

    fn exchange(&self, method: &str, path: &str, body: Option<String>) -> Answer {
        let url = format!("{}{path}", base_url());
        let mut request = ureq::http::Request::builder().method(method).uri(&url);
        let cookies: Vec<&str> = [&self.cookie, &self.device].into_iter().flatten().map(String::as_str).collect();
        if !cookies.is_empty() {
            request = request.header("cookie", cookies.join("; "));
        }
        if let Some(address) = &self.address {
            request = request.header("cf-connecting-ip", address);
        }
        if let Some(token) = &self.bearer {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        if let Some(origin) = &self.origin {
            request = request.header("origin", origin);
        }
        if let Some(key) = &self.seed_key {
            request = request.header("x-demo-seed-key", key);
        }
        if body.is_some() && !self.extra.iter().any(|(name, _)| name.eq_ignore_ascii_case("content-type")) {
            request = request.header("content-type", "application/json");
        }
        for (name, value) in &self.extra {
            request = request.header(name, value);
        }
        let request = request.body(body.unwrap_or_default()).expect("a well-formed request");
        let mut response = agent().run(request).unwrap_or_else(|e| panic!("{method} {url}: {e}"));
        let status = response.status().as_u16();
        let set_cookies: Vec<String> = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .map(ToOwned::to_owned)
            .collect();
        let set_cookie = set_cookies.first().cloned();
        let retry_after = response.headers().get("retry-after").and_then(|v| v.to_str().ok()).map(ToOwned::to_owned);
        let replayed = replayed(&response);
        let text = response.body_mut().read_to_string().unwrap_or_default();
        let body =
            if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap_or(Value::String(text)) };
        Answer { status, body, set_cookie, set_cookies, retry_after, replayed }
    }

    /// Uploads `bytes` as a user import file; returns the job answer.
    ///
    /// # Panics
    /// When the server cannot be reached.
    pub fn upload_users(&self, name: &str, bytes: &[u8]) -> Answer {
        self.upload("/api/v1/imports/users", name, bytes)
    }

    /// Uploads `bytes` named `name` as the body of a POST to `path`.
    ///
    /// # Panics
    /// When the server cannot be reached.
    pub fn upload(&self, path: &str, name: &str, bytes: &[u8]) -> Answer {
        let url = format!("{}{path}", base_url());
        let mut request = ureq::http::Request::builder()
            .method("POST")
            .uri(&url)
            .header("x-file-name", name)
            .header("content-type", "application/octet-stream");
        if let Some(cookie) = &self.cookie {
            request = request.header("cookie", cookie);
        }
        for (name, value) in &self.extra {
            request = request.header(name, value);
        }
        let request = request.body(bytes.to_vec()).expect("a well-formed request");
        let mut response = agent().run(request).unwrap_or_else(|e| panic!("upload: {e}"));
        let status = response.status().as_u16();
        let replayed = replayed(&response);
        let text = response.body_mut().read_to_string().unwrap_or_default();
        Answer {
            status,
            body: serde_json::from_str(&text).unwrap_or(Value::String(text)),
            set_cookie: None,
            set_cookies: Vec::new(),
            retry_after: None,
            replayed,
        }
    }

    /// Sends `body` to `path` as a chunked stream, with no declared length,
    /// and the given headers. `Err` when the server closed the connection
    /// before answering (it may stop reading a body it refuses).
    pub fn post_stream(
        &self,
        path: &str,
        headers: &[(&str, &str)],
        body: impl std::io::Read + Send + 'static,
    ) -> Result<Answer, String> {
        let url = format!("{}{path}", base_url());
        let mut request = agent().post(&url);
        if let Some(cookie) = &self.cookie {
            request = request.header("cookie", cookie);
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let mut response = request.send(ureq::SendBody::from_owned_reader(body)).map_err(|e| e.to_string())?;
        let status = response.status().as_u16();
        let text = response.body_mut().read_to_string().unwrap_or_default();
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Ok(Answer { status, body, set_cookie: None, set_cookies: Vec::new(), retry_after: None, replayed: false })
    }

    /// The response headers of `GET path`.
    ///
    /// # Panics
    /// When the server cannot be reached.
    pub fn headers(&self, path: &str) -> Vec<(String, String)> {
        let url = format!("{}{path}", base_url());
        let mut request = agent().get(&url);
        if let Some(cookie) = &self.cookie {
            request = request.header("cookie", cookie);
        }
        let response = request.call().unwrap_or_else(|e| panic!("{url}: {e}"));
        response
            .headers()
            .iter()
            .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or_default().to_owned()))
            .collect()
    }

    /// Calls a local-only route, opened by the run's seed key.
    ///
    /// # Panics
    /// When `ROSTER_DEMO_SEED_KEY` is not set or the server cannot be reached.
    pub fn demo(&self, method: &str, path: &str, body: Option<&Value>) -> Answer {
        let key = std::env::var("ROSTER_DEMO_SEED_KEY").expect("ROSTER_DEMO_SEED_KEY is set by `cargo xtask test`");
        Self { seed_key: Some(key), ..self.clone() }.send(method, path, body)
    }

    /// Has the server deliver a job's queue message once more.
    ///
    /// # Panics
    /// When the server refuses.
    pub fn redeliver(&self, job: &str) {
        let answer = self.demo("POST", &format!("/api/v1/demo/jobs/{job}/redeliver"), None);
        assert_eq!(answer.status, 202, "redelivery of {job}: {:?}", answer.body);
    }

    /// Downloads `path`: status, content type and bytes.
    ///
    /// # Panics
    /// When the server cannot be reached.
    pub fn download(&self, path: &str) -> (u16, String, Vec<u8>) {
        let url = format!("{}{path}", base_url());
        let mut request = ureq::http::Request::builder().method("GET").uri(&url);
        if let Some(cookie) = &self.cookie {
            request = request.header("cookie", cookie);
        }
        let mut response = agent().run(request.body(()).expect("a request")).unwrap_or_else(|e| panic!("{url}: {e}"));
        let kind = response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        let bytes = response.body_mut().with_config().limit(512 * 1024 * 1024).read_to_vec().unwrap_or_default();
        (response.status().as_u16(), kind, bytes)
    }

    /// Polls a job until it is done or failed (at most 60 s).
    ///
    /// # Panics
    /// When the job does not finish in time.
    pub fn wait_for_job(&self, id: &str) -> Value {
        let started = std::time::Instant::now();
        loop {
            let job = ["imports", "exports", "bulk-actions"]
                .iter()
                .map(|kind| self.get(&format!("/api/v1/{kind}/{id}")))
                .find(|answer| answer.status != 404)
                .map(|answer| answer.body)
                .unwrap_or_default();
            if job["status"] == "done" || job["status"] == "failed" {
                return job;
            }
            assert!(started.elapsed().as_secs() < 60, "job {id} is still {}", job["status"]);
            std::thread::sleep(std::time::Duration::from_millis(200));
        }
    }

    /// Sends a request whose body is sent as given (to test malformed JSON).
    ///
    /// # Panics
    /// When the server cannot be reached.
    pub fn send_raw(&self, method: &str, path: &str, body: &str) -> Answer {
        self.exchange(method, path, Some(body.to_owned()))
    }

    /// `GET path`.
    pub fn get(&self, path: &str) -> Answer {
        self.send("GET", path, None)
    }

    /// `POST path` with a JSON body.
    pub fn post(&self, path: &str, body: &Value) -> Answer {
        self.send("POST", path, Some(body))
    }
}

/// Runs the scheduled tasks now, as the hourly trigger would.
///
/// # Panics
/// When the server refuses.
pub fn run_scheduled_tasks() {
    let url = format!("{}/__scheduled?cron=17+*+*+*+*", base_url());
    let response = agent().get(&url).call().unwrap_or_else(|e| panic!("{url}: {e}"));
    assert_eq!(response.status().as_u16(), 200, "the scheduled run");
}

/// A text unique to this test run, for names that must not clash.
pub fn unique(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    format!("{prefix}{nanos:x}")
}

/// A French mobile number nobody else uses in the test run, as typed and
/// as stored. It starts with 06 1, a block that is always assigned: random
/// digits after 06 alone can fall in an unassigned block (06 39 9…, 06 90…).
pub fn unique_french_mobile() -> (String, String) {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    let digits = format!("1{:07}", nanos / 1000 % 10_000_000);
    (format!("06 {} {} {} {}", &digits[..2], &digits[2..4], &digits[4..6], &digits[6..8]), format!("+336{digits}"))
}
