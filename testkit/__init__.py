"""The tester toolkit: conversation scenarios in plain YAML, run against the real running assistant.

Rasa's open-source test stories check predicted actions but never run custom actions or look at what
the patient sees; Rasa's end-to-end tests that do are in the paid edition. Testers write scenarios in
``tests/e2e/*.yml`` (see ``docs/testing.md``); ``python -m testkit run`` (``make test-e2e``) starts the
assistant, plays them and writes an HTML transcript report and JUnit XML; ``python -m testkit report``
(``make test-report``) gathers every test result into ``results/index.html``.

Modules: ``scenario`` (what a scenario is), ``loader`` (read and check files, errors with file and
line), ``servers`` (start the assistant on free local ports), ``runner`` (play scenarios, check what
the patient sees), ``html_report`` / ``junit_report`` (results), ``overview`` (the testing report).
"""
