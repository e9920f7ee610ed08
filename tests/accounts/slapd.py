"""A real OpenLDAP server for the LDAP login tests: Debian's ``slapd`` on a
loopback port, with a throwaway configuration and database in a temporary
folder, loaded with the directory given as LDIF (``slapadd``, offline)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

SUFFIX = "dc=customs,dc=example"
ROOT_DN = f"cn=admin,{SUFFIX}"
ROOT_PASSWORD = "slapd-root-secret"
SLAPD = shutil.which("slapd") or "/usr/sbin/slapd"
SLAPADD = shutil.which("slapadd") or "/usr/sbin/slapadd"


def require_ldap():
    """python-ldap and slapd are an optional install (requirements-ldap.txt):
    without them these tests skip, except under CI (.ci/run installs both),
    where a missing piece is a failure."""
    if os.environ.get("CI"):
        return __import__("ldap")
    if not (Path(SLAPD).exists() and Path(SLAPADD).exists()):
        pytest.skip("slapd is not installed (apt-get install slapd ldap-utils)", allow_module_level=True)
    return pytest.importorskip("ldap", reason="python-ldap is not installed (requirements-ldap.txt)")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


CONFIG = """\
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile {folder}/slapd.pid
database mdb
maxsize 10485760
suffix "{suffix}"
rootdn "{root_dn}"
rootpw {root_password}
directory {folder}/db
"""


class Slapd:
    def __init__(self, folder: Path, ldif: str, ldap_module):
        self.ldap = ldap_module
        self.folder = folder
        self.port = _free_port()
        self.uri = f"ldap://127.0.0.1:{self.port}"
        (folder / "db").mkdir()
        self.config = folder / "slapd.conf"
        self.config.write_text(
            CONFIG.format(folder=folder, suffix=SUFFIX, root_dn=ROOT_DN, root_password=ROOT_PASSWORD)
        )
        (folder / "data.ldif").write_text(ldif)
        subprocess.run(
            [SLAPADD, "-f", str(self.config), "-l", str(folder / "data.ldif")], check=True, capture_output=True
        )
        self.process = subprocess.Popen(
            [SLAPD, "-h", self.uri, "-f", str(self.config), "-d", "0"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"slapd did not start on {self.uri}")

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def modify(self, dn: str, changes):
        """Change the directory behind the application's back, as its
        administrators would (python-ldap, bound as the root DN)."""
        connection = self.ldap.initialize(self.uri)
        connection.simple_bind_s(ROOT_DN, ROOT_PASSWORD)
        try:
            connection.modify_s(dn, changes)
        finally:
            connection.unbind_s()
