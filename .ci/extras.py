"""Print the requirements of the named optional-dependency groups of pyproject.toml.

``python .ci/extras.py ecosystem typecheck`` -> one requirement per line, for
``pip install -r``; lets CI install an extra's packages without building
polyfast itself again.
"""

import pathlib
import sys
import tomllib

groups = tomllib.loads(
    (pathlib.Path(__file__).resolve().parent.parent / "pyproject.toml").read_text()
)["project"]["optional-dependencies"]
for name in sys.argv[1:]:
    print("\n".join(groups[name]))
