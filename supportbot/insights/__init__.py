"""Insights: report metrics, charts, staffing forecast, spike detection and Prometheus metrics.

Everything here only reads the database (except `seed`, which writes a demo history). The
feature (entry point `supportbot.features: insights`) is `feature.InsightsFeature`.
"""
