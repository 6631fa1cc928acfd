"""Answer scoring, weighted estimates, SIPAS, PAR Index, ranking and quality checks; pure.

DataFrames in, DataFrames or frozen dataclasses out. Main entry points:

* :func:`analysis.estimation.weighted_estimates` / ``weighted_estimates_by_level``
* :func:`analysis.scoring.survey_points`
* :func:`analysis.sipas.sipas_indices`
* :func:`analysis.criteria.validate_appraisal`, :func:`analysis.par_index.par_index`
* :func:`analysis.ranking.rank_units`, :func:`analysis.ranking.classify`
* :mod:`analysis.quality`, :func:`analysis.reproducibility.provenance`
"""
