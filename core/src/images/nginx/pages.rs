//! The files the nginx.org packages install, as each era shipped them:
//! the welcome page (612 bytes until the dark-mode restyle, 615 after),
//! `50x.html`, `nginx.conf`, `conf.d/default.conf` and `mime.types`, and
//! the bodies nginx generates for error responses.

use super::Version;

const INDEX_CLASSIC: &str = "<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
    body {
        width: 35em;
        margin: 0 auto;
        font-family: Tahoma, Verdana, Arial, sans-serif;
    }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>

<p>For online documentation and support please refer to
<a href=\"http://nginx.org/\">nginx.org</a>.<br/>
Commercial support is available at
<a href=\"http://nginx.com/\">nginx.com</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
";

const INDEX_COLOR_SCHEME: &str = "<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>

<p>For online documentation and support please refer to
<a href=\"http://nginx.org/\">nginx.org</a>.<br/>
Commercial support is available at
<a href=\"http://nginx.com/\">nginx.com</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
";

const ERROR_CLASSIC: &str = "<!DOCTYPE html>
<html>
<head>
<title>Error</title>
<style>
    body {
        width: 35em;
        margin: 0 auto;
        font-family: Tahoma, Verdana, Arial, sans-serif;
    }
</style>
</head>
<body>
<h1>An error occurred.</h1>
<p>Sorry, the page you are looking for is currently unavailable.<br/>
Please try again later.</p>
<p>If you are the system administrator of this resource then you should check
the error log for details.</p>
<p><em>Faithfully yours, nginx.</em></p>
</body>
</html>
";

const ERROR_COLOR_SCHEME: &str = "<!DOCTYPE html>
<html>
<head>
<title>Error</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>An error occurred.</h1>
<p>Sorry, the page you are looking for is currently unavailable.<br/>
Please try again later.</p>
<p>If you are the system administrator of this resource then you should check
the error log for details.</p>
<p><em>Faithfully yours, nginx.</em></p>
</body>
</html>
";

/// The release whose packages restyled the default pages.
const COLOR_SCHEME_SINCE: Version = Version(1, 21, 1);
/// The release from which generated error pages dropped `bgcolor`.
const PLAIN_BODY_SINCE: Version = Version(1, 17, 0);
/// Packages from here on log at `notice` and size the workers themselves.
pub(crate) const MODERN_CONF_SINCE: Version = Version(1, 19, 0);
/// Packages from here on keep the pid file in `/run`.
const RUN_PID_SINCE: Version = Version(1, 25, 0);
/// The `#charset koi8-r;` line left the default server in this release.
const NO_CHARSET_SINCE: Version = Version(1, 20, 0);

pub(crate) fn index_html(v: Version) -> &'static str {
    if v >= COLOR_SCHEME_SINCE {
        INDEX_COLOR_SCHEME
    } else {
        INDEX_CLASSIC
    }
}

pub(crate) fn error_html(v: Version) -> &'static str {
    if v >= COLOR_SCHEME_SINCE {
        ERROR_COLOR_SCHEME
    } else {
        ERROR_CLASSIC
    }
}

pub(crate) fn pid_file(v: Version) -> &'static str {
    if v >= RUN_PID_SINCE {
        "/run/nginx.pid"
    } else {
        "/var/run/nginx.pid"
    }
}

pub(crate) fn nginx_conf(v: Version) -> String {
    let (workers, level) = if v >= MODERN_CONF_SINCE {
        ("auto", "notice")
    } else {
        ("1", "warn")
    };
    format!(
        "
user  nginx;
worker_processes  {workers};

error_log  /var/log/nginx/error.log {level};
pid        {pid};


events {{
    worker_connections  1024;
}}


http {{
    include       /etc/nginx/mime.types;
    default_type  application/octet-stream;

    log_format  main  '$remote_addr - $remote_user [$time_local] \"$request\" '
                      '$status $body_bytes_sent \"$http_referer\" '
                      '\"$http_user_agent\" \"$http_x_forwarded_for\"';

    access_log  /var/log/nginx/access.log  main;

    sendfile        on;
    #tcp_nopush     on;

    keepalive_timeout  65;

    #gzip  on;

    include /etc/nginx/conf.d/*.conf;
}}
",
        pid = pid_file(v)
    )
}

/// `conf.d/default.conf` as the package installs it.
pub(crate) fn default_conf(v: Version) -> String {
    let charset = if v >= NO_CHARSET_SINCE {
        ""
    } else {
        "    #charset koi8-r;\n"
    };
    format!(
        "server {{
    listen       80;
    server_name  localhost;

{charset}    #access_log  /var/log/nginx/host.access.log  main;

    location / {{
        root   /usr/share/nginx/html;
        index  index.html index.htm;
    }}

    #error_page  404              /404.html;

    # redirect server error pages to the static page /50x.html
    #
    error_page   500 502 503 504  /50x.html;
    location = /50x.html {{
        root   /usr/share/nginx/html;
    }}

    # proxy the PHP scripts to Apache listening on 127.0.0.1:80
    #
    #location ~ \\.php$ {{
    #    proxy_pass   http://127.0.0.1;
    #}}

    # pass the PHP scripts to FastCGI server listening on 127.0.0.1:9000
    #
    #location ~ \\.php$ {{
    #    root           html;
    #    fastcgi_pass   127.0.0.1:9000;
    #    fastcgi_index  index.php;
    #    fastcgi_param  SCRIPT_FILENAME  /scripts$fastcgi_script_name;
    #    include        fastcgi_params;
    #}}

    # deny access to .htaccess files, if Apache's document root
    # concurs with nginx's one
    #
    #location ~ /\\.ht {{
    #    deny  all;
    #}}
}}

"
    )
}

/// The types nginx serves by file extension (a subset of `mime.types`).
pub(crate) const MIME: &[(&str, &str)] = &[
    ("html", "text/html"),
    ("htm", "text/html"),
    ("shtml", "text/html"),
    ("css", "text/css"),
    ("xml", "text/xml"),
    ("gif", "image/gif"),
    ("jpeg", "image/jpeg"),
    ("jpg", "image/jpeg"),
    ("js", "application/javascript"),
    ("txt", "text/plain"),
    ("png", "image/png"),
    ("svg", "image/svg+xml"),
    ("ico", "image/x-icon"),
    ("json", "application/json"),
    ("pdf", "application/pdf"),
    ("zip", "application/zip"),
];

pub(crate) fn mime_types() -> String {
    let mut s = String::from("\ntypes {\n");
    for (ext, ty) in MIME {
        s.push_str(&format!("    {ty:<40} {ext};\n"));
    }
    s.push_str("}\n");
    s
}

/// The body nginx generates for an error status (`<h1>404 Not Found</h1>`
/// with the version under a rule), CRLF line ends as in its source.
pub(crate) fn special_response(v: Version, status: u16, reason: &str) -> String {
    let body_tag = if v >= PLAIN_BODY_SINCE {
        "<body>"
    } else {
        "<body bgcolor=\"white\">"
    };
    let title = if status == 405 {
        "405 Not Allowed".to_string()
    } else {
        format!("{status} {reason}")
    };
    format!(
        "<html>\r\n<head><title>{title}</title></head>\r\n{body_tag}\r\n<center><h1>{title}</h1></center>\r\n<hr><center>nginx/{v}</center>\r\n</body>\r\n</html>\r\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_welcome_page_has_its_real_size_in_each_era() {
        let cases = [
            ("1.7.9", Version(1, 7, 9), 612),
            ("1.14.2", Version(1, 14, 2), 612),
            ("1.21.0", Version(1, 21, 0), 612),
            ("1.21.1", Version(1, 21, 1), 615),
            ("1.31.6", Version(1, 31, 6), 615),
        ];
        for (name, v, len) in cases {
            assert_eq!(index_html(v).len(), len, "{name}");
        }
    }

    #[test]
    fn error_bodies_name_the_version() {
        assert_eq!(
            special_response(Version(1, 14, 2), 404, "Not Found"),
            "<html>\r\n<head><title>404 Not Found</title></head>\r\n<body bgcolor=\"white\">\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx/1.14.2</center>\r\n</body>\r\n</html>\r\n"
        );
        assert!(special_response(Version(1, 25, 3), 404, "Not Found").contains("\r\n<body>\r\n"));
        assert!(
            special_response(Version(1, 25, 3), 405, "Method Not Allowed")
                .contains("<h1>405 Not Allowed</h1>")
        );
    }
}
