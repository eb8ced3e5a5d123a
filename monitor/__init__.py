"""Pure monitoring: outcomes of past lists, backtest metrics, drift, the retrain rule."""
