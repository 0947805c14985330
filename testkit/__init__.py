"""The tester toolkit: conversation scenarios in plain YAML, played on the real running assistant.

Rasa's open-source test stories check predicted actions but never run custom actions or look at what
the patient sees; Rasa's end-to-end tests that do are in the paid edition. Testers write scenarios in
``tests/e2e/*.yml`` (see ``docs/testing.md``); each is a pytest test (``make test-e2e``), which writes an
HTML transcript report; ``python -m testkit report`` (``make test-report``) gathers every test result
into ``results/index.html``; ``python -m testkit trial`` asks the held-out questions.

Modules: ``scenario`` (what a scenario is), ``loader`` (read and check files, errors with file and
line), ``runner`` (play a scenario, check what the patient sees), ``e2e_plugin`` (scenarios as pytest
tests), ``html_report`` / ``summary`` (results), ``overview`` (the testing report), ``trial`` (held-out
questions), ``network_trace`` and ``local_services`` (for the integration and scale tests).
The servers are started by the project's launcher, ``assistant.server.launcher``.
"""
