import pytest
from tests.schemas._samples import Samples, make_samples


@pytest.fixture(name="samples", scope="session")
def _samples(tmp_path_factory) -> Samples:
    """
    Documents the library made, once for every test that reads them.
    """
    with pytest.MonkeyPatch.context() as patch:
        for name in ("ACC_PLUGINS_POLICY", "ACC_PLUGINS_KEY_PASSPHRASE"):
            patch.delenv(name, raising=False)
        patch.setenv(
            "ACC_PLUGINS_CONFIG_DIR", str(tmp_path_factory.mktemp("config"))
        )
        return make_samples(tmp_path_factory.mktemp("samples"))
