#pragma once
// The trainer's view of a loaded model (its parts, scheduler, fingerprint and covariance
// captions), so that every caller trains against the model the same way.
#include "core/perfusion/trainer.h"

namespace perfusion::pipeline {

class StableDiffusion;

// Borrows from `model`, which must outlive the view.
concepts::TrainingModel training_model(StableDiffusion& model);

}  // namespace perfusion::pipeline
