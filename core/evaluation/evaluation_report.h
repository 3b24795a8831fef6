#pragma once
// What the evaluations write: a JSON summary for machines and the notes, a CSV with one row
// per generated picture, and (for concepts) the fidelity-alignment plot. Every file atomic.
#include "core/evaluation/base_quality.h"
#include "core/evaluation/concept_evaluation.h"

#include <nlohmann/json.hpp>

#include <string>

namespace perfusion::evaluation {

nlohmann::json quality_summary(const BaseQualityReport& report, const BaseQualityOptions& options);
// quality.json and quality.csv in `dir`.
void write_quality_report(const std::string& dir, const BaseQualityReport& report, const BaseQualityOptions& options);

nlohmann::json concept_summary(const ConceptEvaluation& eval);
// summary.json, samples.csv and pareto.png in `dir`.
void write_concept_report(const std::string& dir, const ConceptEvaluation& eval);

}  // namespace perfusion::evaluation
