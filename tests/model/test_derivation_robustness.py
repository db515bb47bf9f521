"""Damaged but well-formed CIBs never crash the derivation: an answer, or a one-line reason.

Real CIBs are written by many tools and versions; a missing attribute or a nonsense value in one
history entry must not take the whole status view down. Each case damages a corpus CIB with a
fixed seed (deterministic), then derives the full status document.
"""

from __future__ import annotations

import random

import pytest
from lxml import etree

from console.model import CibParseError, parse_cib, status_document
from tests.support.paths import CORPUS_DIR
from tests.support.status_schema import assert_conforms

CORPUS = sorted(CORPUS_DIR.glob("*.xml")) if CORPUS_DIR.is_dir() else []
NONSENSE = ["", "x", "-1", "99999999999999999999", "INFINITY", "-INFINITY", "true", "P", ":",
            "0:0;a:b:c", "1:2", "a:b:c:d", "#default", " ", "nan", "7;7", "PT", "-"]


def damage(root: etree._Element, rng: random.Random, changes: int) -> None:
    """Drop attributes, replace values with nonsense, or remove whole elements."""
    for _ in range(changes):
        elements = list(root.iter())
        element = rng.choice(elements)
        if element.attrib and rng.random() < 0.7:
            name = rng.choice(list(element.attrib))
            if rng.random() < 0.3:
                del element.attrib[name]
            else:
                element.set(name, rng.choice(NONSENSE))
        elif element.getparent() is not None:
            element.getparent().remove(element)


@pytest.mark.skipif(not CORPUS, reason="the scheduler corpus is not beside the checkout")
@pytest.mark.parametrize("seed", range(60))
def test_damaged_cib_gives_an_answer_or_a_reason(seed: int) -> None:
    rng = random.Random(seed)
    root = etree.parse(str(rng.choice(CORPUS))).getroot()
    damage(root, rng, rng.randint(1, 8))
    try:
        document = status_document(parse_cib(etree.tostring(root)))
    except CibParseError as error:
        assert "\n" not in str(error)
    else:
        assert_conforms(document)
