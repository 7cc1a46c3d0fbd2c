// YARA rules of the IOC/YARA end-to-end test (tests/ioc/run-ioc-e2e.sh).

rule sigmac_test_marker : testing T1059_004
{
	meta:
		description = "sigmac-c YARA test marker"
		author = "sigmac-c tests"
		severity = "critical"
		mitre_attack = "T1059.004, execution"
		reference = "https://example.invalid/sigmac-yara-test"
	strings:
		$m = "SIGMAC_YARA_TEST_MARKER_7f3a"
	condition:
		$m
}

rule eicar_test_file
{
	meta:
		description = "EICAR anti-virus test file"
		score = 50
	strings:
		$e = "EICAR-STANDARD-ANTIVIRUS-TEST-FILE"
	condition:
		$e and filesize < 128
}
