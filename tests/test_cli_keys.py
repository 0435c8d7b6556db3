"""
``acc-plugins keys``, end to end: generate, export, trust, untrust and
list; every bad input is one ``error:`` line, exit 1, nothing changed,
and no private key ever reaches the output.
"""

import json
import stat

import pytest
from click.testing import CliRunner

from acc_plugins.cli import cli


@pytest.fixture(name="run")
def _run(tmp_path, monkeypatch):
    monkeypatch.delenv("ACC_PLUGINS_KEY_PASSPHRASE", raising=False)

    def run(*args: str, env: dict[str, str] | None = None):
        return CliRunner().invoke(
            cli, [f"--data-dir={tmp_path / 'data'}", *args], env=env
        )

    return run


def _state(tmp_path):
    """Every file under the data folder, with its bytes (lock files,
    empty and never read, are not state)."""
    root = tmp_path / "data"
    if not root.exists():
        return {}
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and path.suffix != ".lock"
    }


def _secret_pieces(pem_path):
    """Every 12 characters of the key's base64 past its fixed header."""
    body = "".join(
        line
        for line in pem_path.read_text().splitlines()
        if not line.startswith("-----")
    )
    return {body[i : i + 12] for i in range(22, len(body) - 12)}


def test_generate_export_trust_list_untrust(run, tmp_path):
    """The whole round: a generated key is exported, trusted by its
    file, listed, and untrusted."""
    generated = run("keys", "generate", "release")
    public = run("keys", "export", "release").output.strip()
    (tmp_path / "release.pub").write_text(public + "\n")
    trusted = run(
        "keys", "trust", str(tmp_path / "release.pub"), "--name", "Me"
    )
    listed = json.loads(run("keys", "list", "--json").output)
    key_id = listed["own"][0]["key_id"]
    untrusted = run("keys", "untrust", key_id)

    assert generated.exit_code == 0, generated.output
    assert f"public key:  {public}" in generated.output
    assert f"id:          {key_id}" in generated.output
    assert public.startswith("ed25519:")
    assert trusted.output == f"trusted key {key_id} (Me)\n"
    assert listed["own"][0]["name"] == "release"
    assert listed["own"][0]["encrypted"] is False
    assert listed["trusted"][0]["public_key"] == public
    assert listed["trusted"][0]["name"] == "Me"
    assert untrusted.output == f"no longer trusted: key {key_id} (Me)\n"
    assert "trusted keys: none" in run("keys", "list").output


def test_private_keys_never_reach_the_output(run, tmp_path):
    """No line of a private key file is in any command's output."""
    outputs = [
        run("keys", "generate", "plain").output,
        run(
            "keys",
            "generate",
            "locked",
            env={"ACC_PLUGINS_KEY_PASSPHRASE": "pw"},
        ).output,
        run("keys", "list").output,
        run("keys", "list", "--json").output,
        run("keys", "export", "plain").output,
        run("keys", "export", "locked").output,
        run("keys", "generate", "plain").output,
    ]
    keys = tmp_path / "data" / "keys"
    pem = keys / "plain.pem"
    run("keys", "trust", str(pem), "--name", "oops")  # a pasted secret
    outputs.append(run("keys", "trust", str(pem), "--name", "oops").output)

    for name in ("plain", "locked"):
        path = keys / f"{name}.pem"
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        for piece in _secret_pieces(path):
            assert all(piece not in output for output in outputs)


def test_a_passphrase_file_encrypts_the_key(run, tmp_path):
    """--passphrase-file encrypts the private key with its first line."""
    secret = tmp_path / "pass.txt"
    secret.write_text("correct horse\n")

    result = run(
        "keys", "generate", "locked", "--passphrase-file", str(secret)
    )

    assert result.exit_code == 0, result.output
    assert "(encrypted; keep it secret)" in result.output
    from acc_plugins.market import Keyring, PublicKey

    keyring = Keyring(tmp_path / "data" / "keys")
    assert keyring.get("locked").encrypted
    private_key = keyring.private_key("locked", b"correct horse")
    assert PublicKey.of(private_key) == keyring.get("locked").public_key


def test_trusting_twice_says_nothing_changed(run, tmp_path):
    """A second trust of the same key succeeds and changes no byte."""
    run("keys", "generate", "k")
    public = run("keys", "export", "k").output.strip()
    run("keys", "trust", public, "--name", "First")
    before = _state(tmp_path)

    again = run("keys", "trust", public, "--name", "Second")

    assert again.exit_code == 0
    assert "trusted already, as 'First'" in again.output
    assert "nothing changed" in again.output
    assert _state(tmp_path) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("generate", "../escape"), "invalid key name"),
        (("generate", "existing"), "exists already"),
        (("export", "missing"), "no key named 'missing'"),
        (("trust", "ed25519:AAAA", "--name", "x"), "truncated"),
        (("trust", "ssh-ed25519 AAAAC3Nz", "--name", "x"), "neither"),
        (("trust", "/no/such/file", "--name", "x"), "neither"),
        (
            (
                "trust",
                "ed25519:AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
                "--name",
                "x",
            ),
            "small order",
        ),
        (("trust", "EXISTING_PUB", "--name", ""), "invalid name"),
        (("untrust", "0123456789abcdef"), "no trusted key has id"),
        (("untrust", "zz"), "invalid key id"),
        (("generate", "new", "--passphrase-file", "EMPTY"), "empty"),
        (("generate", "new", "--passphrase-file", "/no/such"), "passphrase"),
    ],
)
def test_bad_input_is_one_error_line_and_changes_nothing(
    run, tmp_path, args, message
):
    """Each bad input: exit 1, one error line naming it, same files."""
    run("keys", "generate", "existing")
    pub = tmp_path / "existing.pub"
    pub.write_text(run("keys", "export", "existing").output)
    (tmp_path / "empty").write_text("\n")
    args = tuple(
        {"EXISTING_PUB": str(pub), "EMPTY": str(tmp_path / "empty")}.get(
            arg, arg
        )
        for arg in args
    )
    before = _state(tmp_path)

    result = run("keys", *args)

    assert result.exit_code == 1
    assert result.output.startswith("error: ")
    assert result.output.count("\n") == 1
    assert message in result.output
    assert "Traceback" not in result.output
    assert _state(tmp_path) == before


def test_an_empty_passphrase_in_the_environment_is_refused(run, tmp_path):
    """ACC_PLUGINS_KEY_PASSPHRASE set but empty is an error, not "none"."""
    result = run(
        "keys", "generate", "k", env={"ACC_PLUGINS_KEY_PASSPHRASE": ""}
    )

    assert result.exit_code == 1
    assert "ACC_PLUGINS_KEY_PASSPHRASE: the passphrase is empty" in (
        result.output
    )
    assert _state(tmp_path) == {}


def test_a_damaged_trust_file_is_one_error_line(run, tmp_path):
    """A broken trusted-keys.json is named by `keys list`, not a crash."""
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "trusted-keys.json").write_text("[1, 2]")

    result = run("keys", "list")

    assert result.exit_code == 1
    assert "trusted-keys.json" in result.output
    assert result.output.startswith("error: ")
