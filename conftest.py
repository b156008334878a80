"""Root conftest: names available to the doctests in valuechain/."""

import numpy as np
import pandas as pd
import pytest


@pytest.fixture(autouse=True)
def _doctest_names(doctest_namespace):
    import valuechain as vc

    doctest_namespace.update({"vc": vc, "pd": pd, "np": np})
