package domain

// Indonesian labels for user interfaces, as Dinas Sosial writes them.
var (
	forumStatusLabels = map[ForumStatus]string{
		ForumActive:   "Aktif",
		ForumInactive: "Tidak aktif",
	}
	projectKindLabels = map[ProjectKind]string{
		VillageRoad:                   "Jalan lingkungan",
		WorshipFacilityRehabilitation: "Rehabilitasi sarana ibadah",
		SportsField:                   "Lapangan olahraga",
		DrainageRehabilitation:        "Rehabilitasi drainase lingkungan",
		CleanWaterSupply:              "Penyediaan air bersih",
		NeighbourhoodLighting:         "Penerangan lingkungan",
		HarmonyMonument:               "Tugu keserasian sosial",
	}
	projectStatusLabels = map[ProjectStatus]string{
		ProjectPlanned:    "Direncanakan",
		ProjectInProgress: "Sedang dikerjakan",
		ProjectCompleted:  "Selesai",
		ProjectCancelled:  "Dibatalkan",
	}
	activityKindLabels = map[ActivityKind]string{
		Dialogue:      "Dialog",
		Socialisation: "Sosialisasi",
		Training:      "Pelatihan",
		CulturalEvent: "Kegiatan budaya",
		SportsEvent:   "Kegiatan olahraga",
		Mediation:     "Mediasi",
	}
)

// ProjectKinds lists every project kind in schema order.
var ProjectKinds = []ProjectKind{VillageRoad, WorshipFacilityRehabilitation, SportsField,
	DrainageRehabilitation, CleanWaterSupply, NeighbourhoodLighting, HarmonyMonument}

// ProjectStatuses lists every project status in schema order.
var ProjectStatuses = []ProjectStatus{ProjectPlanned, ProjectInProgress, ProjectCompleted, ProjectCancelled}

// ActivityKinds lists every activity kind in schema order.
var ActivityKinds = []ActivityKind{Dialogue, Socialisation, Training, CulturalEvent, SportsEvent, Mediation}

// LabelID returns the Indonesian label of the status.
func (s ForumStatus) LabelID() string { return forumStatusLabels[s] }

// Valid reports whether s is a known status.
func (s ForumStatus) Valid() bool { _, ok := forumStatusLabels[s]; return ok }

// LabelID returns the Indonesian label of the kind.
func (k ProjectKind) LabelID() string { return projectKindLabels[k] }

// Valid reports whether k is a known kind.
func (k ProjectKind) Valid() bool { _, ok := projectKindLabels[k]; return ok }

// LabelID returns the Indonesian label of the status.
func (s ProjectStatus) LabelID() string { return projectStatusLabels[s] }

// Valid reports whether s is a known status.
func (s ProjectStatus) Valid() bool { _, ok := projectStatusLabels[s]; return ok }

// LabelID returns the Indonesian label of the kind.
func (k ActivityKind) LabelID() string { return activityKindLabels[k] }

// Valid reports whether k is a known kind.
func (k ActivityKind) Valid() bool { _, ok := activityKindLabels[k]; return ok }
