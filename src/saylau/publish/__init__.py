"""Publishing results: JSON, CSV, NIST SP 1500-100 CDF, the HTML report."""
