/// Made-up consumer details for the simulated exchange.
enum ConsumerNames {
    static let first = ["James", "Maria", "Robert", "Linda", "Michael", "Patricia", "David", "Jennifer", "John",
                        "Elizabeth", "Carlos", "Aisha", "Wei", "Priya", "Daniel", "Sofia", "Kevin", "Grace",
                        "Jose", "Emily", "Thomas", "Olivia", "Andre", "Hannah", "Luis", "Chloe", "Mark", "Nina",
                        "Samuel", "Zoe", "Brian", "Fatima", "Tyler", "Mei", "Omar", "Rachel"]
    static let last = ["Smith", "Johnson", "Garcia", "Brown", "Miller", "Davis", "Rodriguez", "Martinez", "Lee",
                       "Wilson", "Anderson", "Thomas", "Nguyen", "Patel", "Kim", "Clark", "Lewis", "Walker",
                       "Hall", "Young", "Allen", "Lopez", "Hill", "Scott", "Green", "Adams", "Baker", "Chen",
                       "Rivera", "Campbell", "Mitchell", "Roberts", "Turner", "Phillips", "Evans", "Okafor"]
    /// (state, city, zip prefix), weighted roughly by population through repetition.
    static let places: [(String, String, String)] = [
        ("CA", "Los Angeles", "900"), ("CA", "San Diego", "921"), ("CA", "Sacramento", "958"),
        ("TX", "Houston", "770"), ("TX", "Dallas", "752"), ("TX", "Austin", "787"),
        ("FL", "Miami", "331"), ("FL", "Tampa", "336"), ("FL", "Orlando", "328"),
        ("NY", "Buffalo", "142"), ("NY", "Albany", "122"), ("PA", "Philadelphia", "191"),
        ("PA", "Pittsburgh", "152"), ("IL", "Chicago", "606"), ("OH", "Columbus", "432"),
        ("OH", "Cleveland", "441"), ("GA", "Atlanta", "303"), ("NC", "Charlotte", "282"),
        ("MI", "Detroit", "482"), ("NJ", "Newark", "071"), ("VA", "Richmond", "232"),
        ("WA", "Seattle", "981"), ("AZ", "Phoenix", "850"), ("MA", "Boston", "021"),
        ("TN", "Nashville", "372"), ("IN", "Indianapolis", "462"), ("MO", "St. Louis", "631"),
        ("MD", "Baltimore", "212"), ("CO", "Denver", "802"), ("MN", "Minneapolis", "554"),
        ("NV", "Las Vegas", "891"), ("OR", "Portland", "972"), ("LA", "New Orleans", "701"),
    ]
}
