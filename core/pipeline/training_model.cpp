#include "core/pipeline/training_model.h"

#include "core/pipeline/stable_diffusion.h"

namespace perfusion::pipeline {

concepts::TrainingModel training_model(StableDiffusion& model) {
  concepts::TrainingModel view;
  view.tokenizer = &model.tokenizer();
  view.text_encoder = &model.text_encoder();
  view.unet = &model.unet();
  view.vae = model.has_vae() ? &model.vae() : nullptr;
  view.scheduler_config = model.scheduler_config();
  view.fingerprint = model.checkpoint().fingerprint;
  view.covariance_captions = model.checkpoint().covariance_captions;
  view.templates = model.checkpoint().concept_templates;
  view.preview_guidance = model.recommended_guidance();
  return view;
}

}  // namespace perfusion::pipeline
