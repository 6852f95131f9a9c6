"""How robust each verdict is: the test under every specification, the uncertain dates drawn, ties
inferred from careers, and the same test across a panel of succession crises."""
