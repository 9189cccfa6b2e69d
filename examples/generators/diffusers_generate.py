#!/usr/bin/env python3
"""Example generator for the command engine of `npm run gpu-worker`, built on Hugging Face diffusers.

NOT RUN BY THIS PROJECT'S TESTS: no model weights can be downloaded where the tests run, so
this file has only been checked for syntax. It follows the diffusers API as documented for
diffusers 0.2x-0.3x; check it against your installed version before trusting a run.

It covers four ways of conditioning a diffusion model on a prompt, chosen with --pipeline:

  sd                 Stable Diffusion (StableDiffusionPipeline): the UNet cross-attends to the CLIP
                     text encoder's token sequence (last_hidden_state).
  kandinsky22        Kandinsky 2.2 (KandinskyV22PriorPipeline + KandinskyV22Pipeline): the prior maps
                     the prompt to a CLIP *image* embedding; the decoder sees only that embedding.
  karlo              Karlo / unCLIP (UnCLIPPipeline, kakaobrain/karlo-v1-alpha): the decoder sees
                     both the prior's CLIP image embedding and the text encoder's token sequence.
  kandinsky22-text   The Kandinsky 2.2 decoder fed the prompt's CLIP *text* embedding (the prior's
                     own text encoder, text_embeds) where it expects an image embedding: CLIP text
                     embedding only, no prior. Text and image embeddings of CLIP differ in norm and
                     direction (the modality gap), so expect worse images; --text-embed-scale
                     rescales the embedding if you want to study that.

Contract with the worker (see `npm run gpu-worker -- --help`): the task is a JSON file at
$T2I_TASK_FILE (also on stdin) with prompt, negativePrompt, guidanceScale, steps, sampler, width,
height, samples [{index, seed}] and outputDir; this program writes <outputDir>/<index>.png for
every sample and exits 0, or exits non-zero with the reason on stderr.

Each sample is generated on its own, from torch.Generator(device).manual_seed(seed), so an image
depends only on its own seed. The task's guidanceScale and steps drive the decoder (the part
that makes pixels); the priors use --prior-guidance-scale and --prior-steps.

Example:
  npm run gpu-worker -- --engine command --variant sd15 \\
    --command "python examples/generators/diffusers_generate.py --pipeline sd"

Needs: torch, diffusers, transformers, accelerate (pip install diffusers transformers accelerate).
"""

import argparse
import json
import os
import sys

DEFAULT_MODELS = {
    "sd": "stable-diffusion-v1-5/stable-diffusion-v1-5",
    "kandinsky22": "kandinsky-community/kandinsky-2-2-decoder",
    "kandinsky22-text": "kandinsky-community/kandinsky-2-2-decoder",
    "karlo": "kakaobrain/karlo-v1-alpha",
}
DEFAULT_PRIOR = "kandinsky-community/kandinsky-2-2-prior"
KARLO_SIZE = 256


def fail(message, code=2):
    print(f"diffusers_generate: {message}", file=sys.stderr)
    sys.exit(code)


def read_task():
    path = os.environ.get("T2I_TASK_FILE")
    if path:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    return json.load(sys.stdin)


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--pipeline", required=True, choices=sorted(DEFAULT_MODELS))
    p.add_argument("--model", help="model repo or folder (default depends on --pipeline)")
    p.add_argument("--prior-model", default=DEFAULT_PRIOR, help="Kandinsky 2.2 prior repo or folder")
    p.add_argument("--prior-guidance-scale", type=float, default=4.0)
    p.add_argument("--prior-steps", type=int, default=25)
    p.add_argument("--super-res-steps", type=int, default=7, help="karlo only")
    p.add_argument("--text-embed-scale", type=float, default=1.0, help="kandinsky22-text only")
    p.add_argument("--ignore-negative-prompt", action="store_true",
                   help="karlo has no negative prompt; without this flag a task with one fails")
    p.add_argument("--disable-safety-checker", action="store_true",
                   help="sd only: its safety checker blacks out flagged images, which skews diversity scores")
    p.add_argument("--device", default=None, help="default: cuda when available, else cpu")
    return p.parse_args()


def set_sampler(pipe, sampler, allowed_default_only=False):
    """Swaps the pipeline's scheduler for the task's sampler, keeping the model's noise schedule."""
    import diffusers

    name = sampler.lower()
    if name in ("default", ""):
        return
    if allowed_default_only:
        fail(f'this pipeline has a fixed scheduler; the task asks for sampler "{sampler}" (use "default")')
    classes = {
        "ddim": diffusers.DDIMScheduler,
        "ddpm": diffusers.DDPMScheduler,
        "pndm": diffusers.PNDMScheduler,
        "lms": diffusers.LMSDiscreteScheduler,
        "euler": diffusers.EulerDiscreteScheduler,
        "euler_a": diffusers.EulerAncestralDiscreteScheduler,
        "dpmpp_2m": diffusers.DPMSolverMultistepScheduler,
    }
    if name not in classes:
        fail(f'unknown sampler "{sampler}"; known: default, {", ".join(sorted(classes))}')
    pipe.scheduler = classes[name].from_config(pipe.scheduler.config)


def main():
    args = parse_args()
    task = read_task()
    out_dir = task["outputDir"]
    width, height = task["width"], task["height"]
    prompt, negative = task["prompt"], task.get("negativePrompt")

    import torch

    device = args.device or ("cuda" if torch.cuda.is_available() else "cpu")
    dtype = torch.float16 if device.startswith("cuda") else torch.float32
    model = args.model or DEFAULT_MODELS[args.pipeline]

    def generator(seed):
        return torch.Generator(device=device).manual_seed(int(seed))

    def save(image, index):
        if image.size != (width, height):
            fail(f"sample {index}: the pipeline made {image.size[0]}x{image.size[1]}, the task asks for {width}x{height}")
        image.save(os.path.join(out_dir, f"{index}.png"))

    if args.pipeline == "sd":
        from diffusers import StableDiffusionPipeline

        extra = {"safety_checker": None, "requires_safety_checker": False} if args.disable_safety_checker else {}
        pipe = StableDiffusionPipeline.from_pretrained(model, torch_dtype=dtype, **extra).to(device)
        set_sampler(pipe, task["sampler"])
        for s in task["samples"]:
            image = pipe(
                prompt=prompt,
                negative_prompt=negative,
                guidance_scale=task["guidanceScale"],
                num_inference_steps=task["steps"],
                height=height,
                width=width,
                generator=generator(s["seed"]),
            ).images[0]
            save(image, s["index"])

    elif args.pipeline in ("kandinsky22", "kandinsky22-text"):
        from diffusers import KandinskyV22Pipeline, KandinskyV22PriorPipeline

        if width % 64 or height % 64:
            fail(f"Kandinsky 2.2 makes sizes that are multiples of 64; the task asks for {width}x{height}")
        prior = KandinskyV22PriorPipeline.from_pretrained(args.prior_model, torch_dtype=dtype).to(device)
        decoder = KandinskyV22Pipeline.from_pretrained(model, torch_dtype=dtype).to(device)
        set_sampler(decoder, task["sampler"])

        def text_embeds(text):
            # The prior's CLIPTextModelWithProjection: the projected, pooled text embedding.
            ids = prior.tokenizer(text, padding="max_length", max_length=prior.tokenizer.model_max_length,
                                  truncation=True, return_tensors="pt").input_ids.to(device)
            with torch.no_grad():
                return prior.text_encoder(ids).text_embeds * args.text_embed_scale

        if args.pipeline == "kandinsky22-text":
            cond, uncond = text_embeds(prompt), text_embeds(negative or "")
        for s in task["samples"]:
            if args.pipeline == "kandinsky22":
                # The prior is sampled too, so it shares the sample's seed.
                out = prior(
                    prompt=prompt,
                    negative_prompt=negative,
                    guidance_scale=args.prior_guidance_scale,
                    num_inference_steps=args.prior_steps,
                    generator=generator(s["seed"]),
                )
                cond, uncond = out.image_embeds, out.negative_image_embeds
            image = decoder(
                image_embeds=cond,
                negative_image_embeds=uncond,
                guidance_scale=task["guidanceScale"],
                num_inference_steps=task["steps"],
                height=height,
                width=width,
                generator=generator(s["seed"]),
            ).images[0]
            save(image, s["index"])

    elif args.pipeline == "karlo":
        from diffusers import UnCLIPPipeline

        if (width, height) != (KARLO_SIZE, KARLO_SIZE):
            fail(f"Karlo makes {KARLO_SIZE}x{KARLO_SIZE} images only; the task asks for {width}x{height}")
        if negative and not args.ignore_negative_prompt:
            fail("Karlo (UnCLIPPipeline) takes no negative prompt; pass --ignore-negative-prompt to drop it")
        pipe = UnCLIPPipeline.from_pretrained(model, torch_dtype=dtype).to(device)
        set_sampler(pipe, task["sampler"], allowed_default_only=True)
        for s in task["samples"]:
            image = pipe(
                prompt=prompt,
                prior_num_inference_steps=args.prior_steps,
                decoder_num_inference_steps=task["steps"],
                super_res_num_inference_steps=args.super_res_steps,
                prior_guidance_scale=args.prior_guidance_scale,
                decoder_guidance_scale=task["guidanceScale"],
                generator=generator(s["seed"]),
            ).images[0]
            save(image, s["index"])


if __name__ == "__main__":
    main()
