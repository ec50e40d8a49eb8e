"""Regenerates the SSIMULACRA2 test pairs and their reference scores (scores.tsv).

Run from the repository root, with the Python that has the PyPI `ssimulacra2` 0.3.0 package:

    Benchmarks/.venv/bin/python Tests/PerceptualTests/Pairs/make_table.py [--images TestImages]

Each picture is a crop or downscale of a file in TestImages/ (see SOURCES.md there for licences: the
portrait* files derive from "friends" by Aitzol Berasategi, CC BY 4.0; the others from CC0 pictures), made
with the `vips` CLI; each distortion is an encode-and-decode or a filter of one of them, kept as a PNG. The
table gives each pair's size and score.

The `score` column is the package's score. For a reference with alpha it is the package's pipeline run on
the pictures composited over a dark (0.1) and a light (0.9) grey, keeping the lower score, which is what
libjxl's `ssimulacra2` does and what the package's `compute_ssimulacra2_with_alpha` means to do: as
released, that function opens every file with `.convert("RGB")`, which drops alpha, so it scores the colour
under transparent pixels and ignores alpha changes. The `package_as_is` column keeps what it returns.
"""

import argparse
import subprocess
import tempfile
from pathlib import Path
from unittest import mock

import numpy as np
import ssimulacra2
import ssimulacra2.ssimulacra2 as package_module
from PIL import Image

PAIRS = Path(__file__).resolve().parent

# name -> (source file in TestImages, vips command producing the reference from "{source}" into "{output}").
REFERENCES = {
    "landscape": ("landscape.jpg", "thumbnail {source} {output} 160 --height 101 --crop centre"),
    "portrait": ("portrait.jpg", "thumbnail {source} {output} 120 --height 181 --crop centre"),
    "alpha": ("alpha.png", "thumbnail {source} {output} 160 --height 90 --crop centre"),
    "palette": ("palette-16.png", "crop {source} {output} 88 40 144 96"),
    "grayscale": ("grayscale.jpg", "thumbnail {source} {output} 256 --height 256 --crop centre"),
}

# (reference, distortion name, how to make it: a vips command from "{input}" into "{output}", or "noise").
DISTORTIONS = [
    ("landscape", "identical", None),
    ("landscape", "jpeg-q20", "copy {input} '{output}[Q=20]'"),
    ("landscape", "jpeg-q50", "copy {input} '{output}[Q=50]'"),
    ("landscape", "jpeg-q80", "copy {input} '{output}[Q=80]'"),
    ("landscape", "jpeg-q95", "copy {input} '{output}[Q=95]'"),
    ("landscape", "webp-q50", "copy {input} '{output}[Q=50]'"),
    ("landscape", "blur", "gaussblur {input} {output} 1.2"),
    ("landscape", "shift", "embed {input} {output} 1 0 160 101 --extend copy"),
    ("landscape", "noise", "noise"),
    ("portrait", "jpeg-q80", "copy {input} '{output}[Q=80]'"),
    ("alpha", "identical", None),
    ("alpha", "webp-q50", "copy {input} '{output}[Q=50]'"),
    ("alpha", "faded", "linear {input} {output} '1 1 1 0.75' '0 0 0 0' --uchar"),
    ("palette", "jpeg-q80", "copy {input} '{output}[Q=80]'"),
    ("grayscale", "jpeg-q50", "copy {input} '{output}[Q=50]'"),
    ("grayscale", "blur", "gaussblur {input} {output} 2"),
]

# The extension of the lossy format each command's "{output}" is written in before its decode is saved as PNG.
INTERMEDIATE = {"jpeg": ".jpg", "webp": ".webp"}


def vips(command, **paths):
    subprocess.run(f"vips {command.format(**paths)}", shell=True, check=True)


def save_png(source, png):
    vips("pngsave {input} {output} --compression 9 --strip", input=source, output=png)


def make_reference(name, images, scratch):
    source, command = REFERENCES[name]
    made = scratch / f"{name}.v"
    vips(command, source=images / source, output=made)
    save_png(made, PAIRS / f"{name}.png")


def make_distortion(reference, name, command, scratch):
    input_png = PAIRS / f"{reference}.png"
    output_png = PAIRS / f"{reference}-{name}.png"
    if command == "noise":
        rng = np.random.default_rng(2023)
        pixels = np.asarray(Image.open(input_png), dtype=np.float64)
        noisy = np.clip(np.round(pixels + rng.normal(0, 6, pixels.shape)), 0, 255).astype(np.uint8)
        Image.fromarray(noisy).save(output_png, optimize=True)
        return
    made = scratch / (f"{reference}-{name}" + INTERMEDIATE.get(name.split("-")[0], ".v"))
    vips(command, input=input_png, output=made)
    save_png(made, output_png)


def composited(path, level):
    """The picture as float RGB in 0...255, composited over an sRGB-encoded grey `level` as libjxl's AlphaBlend does."""
    rgba = np.asarray(Image.open(path).convert("RGBA"), dtype=np.float64)
    alpha = rgba[..., 3:] / 255
    return rgba[..., :3] * alpha + (1 - alpha) * level * 255


class PreparedImages:
    """Stands in for PIL's Image module inside the package: open(path).convert("RGB") gives a prepared array."""

    def __init__(self, arrays):
        self.arrays = arrays

    def open(self, path):
        array = self.arrays[path]
        return mock.Mock(convert=lambda mode: array)


def score(reference, distorted):
    """The package's score of the pair, with the alpha handling libjxl has (see the module docstring)."""
    if Image.open(reference).mode != "RGBA":
        return ssimulacra2.compute_ssimulacra2_with_alpha(str(reference), str(distorted))
    scores = []
    for level in (0.1, 0.9):
        arrays = {str(path): composited(path, level) for path in (reference, distorted)}
        with mock.patch.object(package_module, "Image", PreparedImages(arrays)):
            scores.append(package_module.compute_ssimulacra2(str(reference), str(distorted)))
    return min(scores)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=Path, default=PAIRS.parents[2] / "TestImages")
    images = parser.parse_args().images
    rows = []
    with tempfile.TemporaryDirectory() as directory:
        scratch = Path(directory)
        for name in REFERENCES:
            make_reference(name, images, scratch)
        for reference, name, command in DISTORTIONS:
            if command is not None:
                make_distortion(reference, name, command, scratch)
    for reference, name, command in DISTORTIONS:
        reference_png = PAIRS / f"{reference}.png"
        distorted_png = reference_png if command is None else PAIRS / f"{reference}-{name}.png"
        width, height = Image.open(reference_png).size
        rows.append(
            [reference_png.name, distorted_png.name, width, height,
             f"{score(reference_png, distorted_png):.3f}",
             f"{ssimulacra2.compute_ssimulacra2_with_alpha(str(reference_png), str(distorted_png)):.3f}"]
        )
    header = ["reference", "distorted", "width", "height", "score", "package_as_is"]
    lines = ["\t".join(map(str, row)) for row in [header, *rows]]
    (PAIRS / "scores.tsv").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
