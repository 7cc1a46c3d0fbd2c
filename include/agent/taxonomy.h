/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The field taxonomy shared by sigmac-c and the agent: the fields the
 * runtime itself knows by name (routing, alerts, collectors) get fixed ids
 * 1..AG_FIELD_CORE_MAX-1, in this order, on both sides. Every other field a
 * rule references gets the next ids at compile time (generated code lists
 * them all). Names are Sigma's (Sysmon's) on every platform.
 *
 * Each entry: AG_FIELD(ENUM_SUFFIX, "SigmaName")
 */
#ifndef AG_TAXONOMY_H
#define AG_TAXONOMY_H

#define AG_TAXONOMY_FIELDS(AG_FIELD)                                                           \
	AG_FIELD(EVENTID, "EventID")                                                           \
	AG_FIELD(CHANNEL, "Channel")                                                           \
	AG_FIELD(PROVIDER_NAME, "Provider_Name")                                               \
	AG_FIELD(COMPUTER, "Computer")                                                         \
	AG_FIELD(TIMECREATED, "TimeCreated")                                                   \
	AG_FIELD(UTCTIME, "UtcTime")                                                           \
	AG_FIELD(EVENTRECORDID, "EventRecordID")                                               \
	AG_FIELD(IMAGE, "Image")                                                               \
	AG_FIELD(COMMANDLINE, "CommandLine")                                                   \
	AG_FIELD(PROCESSID, "ProcessId")                                                       \
	AG_FIELD(PARENTIMAGE, "ParentImage")                                                   \
	AG_FIELD(PARENTCOMMANDLINE, "ParentCommandLine")                                       \
	AG_FIELD(PARENTPROCESSID, "ParentProcessId")                                           \
	AG_FIELD(USER, "User")                                                                 \
	AG_FIELD(CURRENTDIRECTORY, "CurrentDirectory")                                         \
	AG_FIELD(LOGONID, "LogonId")                                                           \
	AG_FIELD(PROCESSGUID, "ProcessGuid")                                                   \
	AG_FIELD(HASHES, "Hashes")                                                             \
	AG_FIELD(ORIGINALFILENAME, "OriginalFileName")                                         \
	AG_FIELD(TARGETFILENAME, "TargetFilename")                                             \
	AG_FIELD(SOURCEFILENAME, "SourceFilename")                                             \
	AG_FIELD(DESTINATIONIP, "DestinationIp")                                               \
	AG_FIELD(DESTINATIONPORT, "DestinationPort")                                           \
	AG_FIELD(DESTINATIONHOSTNAME, "DestinationHostname")                                   \
	AG_FIELD(SOURCEIP, "SourceIp")                                                         \
	AG_FIELD(SOURCEPORT, "SourcePort")                                                     \
	AG_FIELD(PROTOCOL, "Protocol")                                                         \
	AG_FIELD(INITIATED, "Initiated")                                                       \
	AG_FIELD(QUERYNAME, "QueryName")                                                       \
	AG_FIELD(QUERYTYPE, "QueryType")                                                       \
	AG_FIELD(TARGETOBJECT, "TargetObject")                                                 \
	AG_FIELD(IMAGELOADED, "ImageLoaded")                                                   \
	AG_FIELD(NEWPROCESSNAME, "NewProcessName")                                             \
	AG_FIELD(PARENTPROCESSNAME, "ParentProcessName")                                       \
	AG_FIELD(SUBJECTUSERNAME, "SubjectUserName")                                           \
	AG_FIELD(TARGETUSERNAME, "TargetUserName")                                             \
	AG_FIELD(EXITCODE, "ExitCode")

enum ag_field_id {
	AG_FIELD_NONE = 0,
#define AG_FIELD_ENUM(suffix, name) AG_FIELD_##suffix,
	AG_TAXONOMY_FIELDS(AG_FIELD_ENUM)
#undef AG_FIELD_ENUM
	AG_FIELD_CORE_MAX,
};

#endif /* AG_TAXONOMY_H */
