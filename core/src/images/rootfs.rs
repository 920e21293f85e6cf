//! Base filesystems: Debian, Ubuntu, Alpine, busybox, distroless and
//! scratch, each with the files and tools its real image ships.

use crate::userland::fs::ImageBuilder;
use crate::userland::{busybox_applet_names, Image};

/// A Debian release as images name and describe it.
pub(crate) struct Debian {
    pub major: u32,
    pub codename: &'static str,
    /// `/etc/debian_version`.
    pub point: &'static str,
    /// How nginx reports the compiler of this release's packages.
    pub gcc: &'static str,
}

pub(crate) const DEBIAN: [Debian; 7] = [
    Debian {
        major: 7,
        codename: "wheezy",
        point: "7.11",
        gcc: "gcc 4.7.2 (Debian 4.7.2-5)",
    },
    Debian {
        major: 8,
        codename: "jessie",
        point: "8.11",
        gcc: "gcc 4.9.2 (Debian 4.9.2-10+deb8u1)",
    },
    Debian {
        major: 9,
        codename: "stretch",
        point: "9.13",
        gcc: "gcc 6.3.0 20170516 (Debian 6.3.0-18+deb9u1)",
    },
    Debian {
        major: 10,
        codename: "buster",
        point: "10.13",
        gcc: "gcc 8.3.0 (Debian 8.3.0-6)",
    },
    Debian {
        major: 11,
        codename: "bullseye",
        point: "11.11",
        gcc: "gcc 10.2.1 20210110 (Debian 10.2.1-6)",
    },
    Debian {
        major: 12,
        codename: "bookworm",
        point: "12.12",
        gcc: "gcc 12.2.0 (Debian 12.2.0-14)",
    },
    Debian {
        major: 13,
        codename: "trixie",
        point: "13.2",
        gcc: "gcc 14.2.0 (Debian 14.2.0-19)",
    },
];

/// The newest release, which `debian:latest` and `debian:stable` are.
pub(crate) const DEBIAN_STABLE: u32 = 13;

pub(crate) fn debian(major: u32) -> &'static Debian {
    DEBIAN
        .iter()
        .find(|d| d.major == major)
        .unwrap_or(&DEBIAN[DEBIAN.len() - 1])
}

/// An Ubuntu release.
pub(crate) struct Ubuntu {
    pub version: &'static str,
    /// `VERSION` in os-release (`24.04.3 LTS (Noble Numbat)`).
    pub full: &'static str,
    pub codename: &'static str,
}

pub(crate) const UBUNTU: [Ubuntu; 6] = [
    Ubuntu {
        version: "14.04",
        full: "14.04.6 LTS, Trusty Tahr",
        codename: "trusty",
    },
    Ubuntu {
        version: "16.04",
        full: "16.04.7 LTS (Xenial Xerus)",
        codename: "xenial",
    },
    Ubuntu {
        version: "18.04",
        full: "18.04.6 LTS (Bionic Beaver)",
        codename: "bionic",
    },
    Ubuntu {
        version: "20.04",
        full: "20.04.6 LTS (Focal Fossa)",
        codename: "focal",
    },
    Ubuntu {
        version: "22.04",
        full: "22.04.5 LTS (Jammy Jellyfish)",
        codename: "jammy",
    },
    Ubuntu {
        version: "24.04",
        full: "24.04.3 LTS (Noble Numbat)",
        codename: "noble",
    },
];

/// What `ubuntu:latest` is: the newest LTS.
pub(crate) const UBUNTU_LATEST: &str = "24.04";

pub(crate) fn ubuntu(version: &str) -> &'static Ubuntu {
    UBUNTU
        .iter()
        .find(|u| u.version == version)
        .unwrap_or(&UBUNTU[UBUNTU.len() - 1])
}

/// The core utilities every Debian or Ubuntu image has, by busybox applet
/// name (coreutils, grep, sed, debianutils, hostname).
const GNU_TOOLS: &[&str] = &[
    "cat", "ls", "cp", "mv", "rm", "mkdir", "rmdir", "touch", "ln", "chmod", "echo", "printf",
    "true", "false", "test", "[", "sleep", "date", "env", "printenv", "id", "whoami", "uname",
    "yes", "seq", "expr", "basename", "dirname", "pwd", "tee", "wc", "head", "tail", "sort",
    "uniq", "tr", "cut", "grep", "egrep", "sed", "hostname", "which",
];

pub(crate) const DEBIAN_PASSWD: &str = "root:x:0:0:root:/root:/bin/bash
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
bin:x:2:2:bin:/bin:/usr/sbin/nologin
sys:x:3:3:sys:/dev:/usr/sbin/nologin
sync:x:4:65534:sync:/bin:/bin/sync
games:x:5:60:games:/usr/games:/usr/sbin/nologin
man:x:6:12:man:/var/cache/man:/usr/sbin/nologin
lp:x:7:7:lp:/var/spool/lpd:/usr/sbin/nologin
mail:x:8:8:mail:/var/mail:/usr/sbin/nologin
news:x:9:9:news:/var/spool/news:/usr/sbin/nologin
uucp:x:10:10:uucp:/var/spool/uucp:/usr/sbin/nologin
proxy:x:13:13:proxy:/bin:/usr/sbin/nologin
www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin
backup:x:34:34:backup:/var/backups:/usr/sbin/nologin
list:x:38:38:Mailing List Manager:/var/list:/usr/sbin/nologin
irc:x:39:39:ircd:/run/ircd:/usr/sbin/nologin
_apt:x:42:65534::/nonexistent:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
";

const DEBIAN_GROUP: &str = "root:x:0:
daemon:x:1:
bin:x:2:
sys:x:3:
adm:x:4:
tty:x:5:
disk:x:6:
lp:x:7:
mail:x:8:
news:x:9:
uucp:x:10:
man:x:12:
proxy:x:13:
kmem:x:15:
dialout:x:20:
fax:x:21:
voice:x:22:
cdrom:x:24:
floppy:x:25:
tape:x:26:
sudo:x:27:
audio:x:29:
dip:x:30:
www-data:x:33:
backup:x:34:
operator:x:37:
list:x:38:
irc:x:39:
src:x:40:
shadow:x:42:
utmp:x:43:
video:x:44:
sasl:x:45:
plugdev:x:46:
staff:x:50:
games:x:60:
users:x:100:
nogroup:x:65534:
";

/// The directories of a Debian-family root; with merged `/usr`, `/bin`,
/// `/sbin` and `/lib` are links into `/usr`.
fn debian_layout(merged_usr: bool) -> ImageBuilder {
    let mut b = Image::builder();
    for d in [
        "boot",
        "dev",
        "etc/apt",
        "etc/default",
        "home",
        "media",
        "mnt",
        "opt",
        "proc",
        "run/lock",
        "srv",
        "sys",
        "usr/bin",
        "usr/sbin",
        "usr/lib",
        "usr/local/bin",
        "usr/local/sbin",
        "usr/share/doc",
        "var/backups",
        "var/cache",
        "var/lib/apt",
        "var/lib/dpkg",
        "var/local",
        "var/log",
        "var/mail",
        "var/opt",
        "var/spool",
    ] {
        b = b.dir(d, 0o755);
    }
    b = b
        .dir("tmp", 0o1777)
        .dir("var/tmp", 0o1777)
        .dir("root", 0o700);
    if merged_usr {
        b = b
            .symlink("bin", "usr/bin")
            .symlink("sbin", "usr/sbin")
            .symlink("lib", "usr/lib")
            .symlink("var/run", "/run");
    } else {
        b = b.dir("bin", 0o755).dir("sbin", 0o755).dir("lib", 0o755);
        b = b.symlink("var/run", "/run");
    }
    b.file("etc/passwd", DEBIAN_PASSWD, 0o644)
        .file("etc/group", DEBIAN_GROUP, 0o644)
        .file("etc/shadow", "root:*:20000:0:99999:7:::\n", 0o640)
        .file("etc/shells", "# /etc/shells: valid login shells\n/bin/sh\n/bin/bash\n/usr/bin/bash\n/bin/dash\n/usr/bin/dash\n", 0o644)
        .file("root/.bashrc", "# ~/.bashrc: executed by bash(1) for non-login shells.\n", 0o644)
        .file("root/.profile", "# ~/.profile: executed by Bourne-compatible login shells.\n", 0o644)
}

/// Puts the shells and core tools where Debian keeps them.
fn gnu_userland(mut b: ImageBuilder, merged_usr: bool) -> ImageBuilder {
    let bin = if merged_usr { "usr/bin" } else { "bin" };
    for t in GNU_TOOLS {
        b = b.program(&format!("{bin}/{t}"), t);
    }
    b.program(&format!("{bin}/bash"), "bash")
        .program(&format!("{bin}/dash"), "dash")
        .symlink(&format!("{bin}/sh"), "dash")
        .symlink(&format!("{bin}/rbash"), "bash")
}

/// A `debian:<release>-slim`-like tree.
pub(crate) fn debian_fs(d: &Debian) -> ImageBuilder {
    let merged = d.major >= 12;
    let os_release = if d.major >= 13 {
        format!(
            "PRETTY_NAME=\"Debian GNU/Linux {m} ({c})\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"{m}\"\nVERSION=\"{m} ({c})\"\nVERSION_CODENAME={c}\nDEBIAN_VERSION_FULL={p}\nID=debian\nHOME_URL=\"https://www.debian.org/\"\nSUPPORT_URL=\"https://www.debian.org/support\"\nBUG_REPORT_URL=\"https://bugs.debian.org/\"\n",
            m = d.major,
            c = d.codename,
            p = d.point
        )
    } else {
        format!(
            "PRETTY_NAME=\"Debian GNU/Linux {m} ({c})\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"{m}\"\nVERSION=\"{m} ({c})\"\nVERSION_CODENAME={c}\nID=debian\nHOME_URL=\"https://www.debian.org/\"\nSUPPORT_URL=\"https://www.debian.org/support\"\nBUG_REPORT_URL=\"https://bugs.debian.org/\"\n",
            m = d.major,
            c = d.codename
        )
    };
    let b = debian_layout(merged)
        .file("etc/os-release", os_release, 0o644)
        .file("etc/debian_version", format!("{}\n", d.point), 0o644)
        .file(
            "etc/issue",
            format!("Debian GNU/Linux {} \\n \\l\n\n", d.major),
            0o644,
        );
    gnu_userland(b, merged)
}

/// An `ubuntu:<version>` tree.
pub(crate) fn ubuntu_fs(u: &Ubuntu) -> ImageBuilder {
    let merged = u.version >= "20.04";
    let pretty = u
        .full
        .split(" (")
        .next()
        .unwrap_or(u.full)
        .split(',')
        .next()
        .unwrap_or(u.full);
    let os_release = format!(
        "PRETTY_NAME=\"Ubuntu {pretty}\"\nNAME=\"Ubuntu\"\nVERSION_ID=\"{v}\"\nVERSION=\"{full}\"\nVERSION_CODENAME={c}\nID=ubuntu\nID_LIKE=debian\nHOME_URL=\"https://www.ubuntu.com/\"\nSUPPORT_URL=\"https://help.ubuntu.com/\"\nBUG_REPORT_URL=\"https://bugs.launchpad.net/ubuntu/\"\nPRIVACY_POLICY_URL=\"https://www.ubuntu.com/legal/terms-and-policies/privacy-policy\"\nUBUNTU_CODENAME={c}\n",
        v = u.version,
        full = u.full,
        c = u.codename
    );
    let b = debian_layout(merged)
        .file("etc/os-release", os_release, 0o644)
        .file(
            "etc/lsb-release",
            format!(
                "DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE={}\nDISTRIB_CODENAME={}\nDISTRIB_DESCRIPTION=\"Ubuntu {pretty}\"\n",
                u.version, u.codename
            ),
            0o644,
        )
        .file("etc/debian_version", format!("{}/sid\n", ubuntu_debian_base(u)), 0o644);
    gnu_userland(b, merged)
}

fn ubuntu_debian_base(u: &Ubuntu) -> &'static str {
    match u.codename {
        "trusty" => "jessie",
        "xenial" => "stretch",
        "bionic" => "buster",
        "focal" => "bullseye",
        "jammy" => "bookworm",
        _ => "trixie",
    }
}

/// The official busybox image.
pub(crate) fn busybox_fs() -> ImageBuilder {
    Image::busybox(&busybox_applet_names()).to_builder()
}

pub(crate) const ALPINE_VERSION: &str = "3.22.2";

pub(crate) const ALPINE_PASSWD: &str = "root:x:0:0:root:/root:/bin/sh
bin:x:1:1:bin:/bin:/sbin/nologin
daemon:x:2:2:daemon:/sbin:/sbin/nologin
lp:x:4:7:lp:/var/spool/lpd:/sbin/nologin
sync:x:5:0:sync:/sbin:/bin/sync
shutdown:x:6:0:shutdown:/sbin:/sbin/shutdown
halt:x:7:0:halt:/sbin:/sbin/halt
mail:x:8:12:mail:/var/mail:/sbin/nologin
news:x:9:13:news:/usr/lib/news:/sbin/nologin
uucp:x:10:14:uucp:/var/spool/uucppublic:/sbin/nologin
cron:x:16:16:cron:/var/spool/cron:/sbin/nologin
ftp:x:21:21::/var/lib/ftp:/sbin/nologin
sshd:x:22:22:sshd:/dev/null:/sbin/nologin
games:x:35:35:games:/usr/games:/sbin/nologin
ntp:x:123:123:NTP:/var/empty:/sbin/nologin
guest:x:405:100:guest:/dev/null:/sbin/nologin
nobody:x:65534:65534:nobody:/:/sbin/nologin
";

/// An Alpine tree: busybox's applets behind musl, `/bin/sh` but no bash.
pub(crate) fn alpine_fs() -> ImageBuilder {
    let minor = ALPINE_VERSION
        .rsplit_once('.')
        .map_or(ALPINE_VERSION, |(m, _)| m);
    busybox_fs()
        .file("etc/passwd", ALPINE_PASSWD, 0o644)
        .dir("usr/bin", 0o755)
        .dir("usr/local/bin", 0o755)
        .dir("lib", 0o755)
        .dir("var/log", 0o755)
        .dir("run", 0o755)
        .file("etc/alpine-release", format!("{ALPINE_VERSION}\n"), 0o644)
        .file(
            "etc/os-release",
            format!(
                "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID={ALPINE_VERSION}\nPRETTY_NAME=\"Alpine Linux v{minor}\"\nHOME_URL=\"https://alpinelinux.org/\"\nBUG_REPORT_URL=\"https://gitlab.alpinelinux.org/alpine/aports/-/issues\"\n"
            ),
            0o644,
        )
}

/// gcr.io/distroless: no shell, no package manager, a few users.
pub(crate) fn distroless_fs() -> ImageBuilder {
    Image::builder()
        .dir("etc/ssl/certs", 0o755)
        .dir("home/nonroot", 0o700)
        .dir("root", 0o700)
        .dir("tmp", 0o1777)
        .dir("usr/local/bin", 0o755)
        .dir("var/lib", 0o755)
        .file(
            "etc/passwd",
            "root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n",
            0o644,
        )
        .file(
            "etc/group",
            "root:x:0:\nnobody:x:65534:\ntty:x:5:\nstaff:x:50:\nnonroot:x:65532:\n",
            0o644,
        )
        .file(
            "etc/os-release",
            "PRETTY_NAME=\"Distroless\"\nNAME=\"Debian GNU/Linux\"\nID=\"debian\"\nVERSION_ID=\"12\"\nVERSION=\"Debian GNU/Linux 12 (bookworm)\"\nHOME_URL=\"https://github.com/GoogleContainerTools/distroless\"\nSUPPORT_URL=\"https://github.com/GoogleContainerTools/distroless/blob/master/README.md\"\nBUG_REPORT_URL=\"https://github.com/GoogleContainerTools/distroless/issues/new\"\n",
            0o644,
        )
        .file("etc/ssl/certs/ca-certificates.crt", "", 0o644)
}

/// An image built `FROM scratch`: only what its Dockerfile copies in.
pub(crate) fn scratch() -> ImageBuilder {
    Image::builder()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::userland::Fs;

    fn has(fs: &Fs, path: &str) -> bool {
        fs.stat("/", path).is_ok()
    }

    #[test]
    fn base_trees_ship_what_the_real_images_ship() {
        let cases: [(&str, Image, &[&str], &[&str]); 6] = [
            (
                "debian trixie merges /usr",
                debian_fs(debian(13)).build(),
                &[
                    "/bin/bash",
                    "/bin/sh",
                    "/usr/bin/cat",
                    "/etc/debian_version",
                ],
                &["/bin/wget", "/usr/bin/ps"],
            ),
            (
                "debian stretch keeps /bin",
                debian_fs(debian(9)).build(),
                &["/bin/bash", "/bin/sh", "/bin/ls"],
                &["/usr/bin/ls"],
            ),
            (
                "ubuntu noble",
                ubuntu_fs(ubuntu("24.04")).build(),
                &["/bin/bash", "/etc/lsb-release"],
                &["/bin/busybox"],
            ),
            (
                "alpine has sh but not bash",
                alpine_fs().build(),
                &["/bin/sh", "/bin/wget", "/etc/alpine-release"],
                &["/bin/bash"],
            ),
            (
                "distroless has no shell",
                distroless_fs().build(),
                &["/etc/passwd", "/tmp"],
                &["/bin/sh", "/bin/bash", "/usr/bin/sh"],
            ),
            (
                "scratch is empty",
                scratch().build(),
                &[],
                &["/bin/sh", "/etc"],
            ),
        ];
        for (name, image, present, absent) in cases {
            let fs = Fs::new(&image);
            for p in present {
                assert!(has(&fs, p), "{name}: {p} missing");
            }
            for p in absent {
                assert!(!has(&fs, p), "{name}: {p} present");
            }
        }
    }

    #[test]
    fn os_release_names_the_release() {
        let fs = Fs::new(&debian_fs(debian(12)).build());
        let text = String::from_utf8(fs.read("/", "/etc/os-release").unwrap()).unwrap();
        assert!(text.starts_with("PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n"));
        let fs = Fs::new(&ubuntu_fs(ubuntu("24.04")).build());
        let text = String::from_utf8(fs.read("/", "/etc/os-release").unwrap()).unwrap();
        assert!(
            text.starts_with("PRETTY_NAME=\"Ubuntu 24.04.3 LTS\"\n"),
            "{text}"
        );
    }
}
