"""Finding proposals that say the same thing, before a new one is created.

Character bigrams work for Korean, where words change their endings and
whitespace splitting finds little, and for English alike.
"""

import re

_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)


def bigrams(text):
    words = [w for w in _NOT_WORD.split((text or "").lower()) if w]
    grams = set()
    for word in words:
        if len(word) == 1:
            grams.add(word)
        grams.update(word[i:i + 2] for i in range(len(word) - 1))
    return grams


def similarity(a, b):
    """Jaccard similarity of two texts' bigram sets, 0.0 to 1.0."""
    grams_a, grams_b = bigrams(a), bigrams(b)
    if not grams_a or not grams_b:
        return 0.0
    return len(grams_a & grams_b) / len(grams_a | grams_b)
