"""Ray is optional: without the `cluster` extra, `index --cluster` says how to install it, and
the placement rules that size the actor pool."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from photosift.cluster.session import plan_placement

WITHOUT_RAY = """
import sys
class NoRay:
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] == 'ray':
            raise ImportError('No module named ' + repr(name))
sys.meta_path.insert(0, NoRay())
from photosift.cli import main
code = main(sys.argv[1:])
print('ray imported' if any(m.split('.')[0] == 'ray' for m in sys.modules) else 'no ray')
sys.exit(code)
"""


def test_cluster_without_ray_says_how_to_install_the_extra(tmp_path: Path) -> None:
    (tmp_path / "photos").mkdir()
    db = tmp_path / "library.sqlite3"
    result = subprocess.run(
        [sys.executable, "-c", WITHOUT_RAY, "index", str(tmp_path / "photos"), "--db", str(db),
         "--cluster", "local"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert "needs Ray, which is not installed" in result.stderr
    assert "pip install 'photosift[cluster]'" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout.strip() == "no ray"
    assert not db.exists()  # refused before creating a library


def test_placement_leaves_a_cpu_for_decoding_and_puts_one_model_on_each_gpu() -> None:
    assert plan_placement({"CPU": 2.0}, None).actors == 1
    assert plan_placement({"CPU": 16.0}, None).actors == 8
    assert plan_placement({"CPU": 4.0}, 2).actors == 2
    assert plan_placement({"CPU": 2.0}, 2).actors == 1  # two actors would starve decoding
    gpu = plan_placement({"CPU": 8.0, "GPU": 2.0}, None)
    assert (gpu.actors, gpu.gpus_per_actor, gpu.device) == (2, 1, "cuda")
    assert plan_placement({"CPU": 8.0}, None).device == "cpu"
