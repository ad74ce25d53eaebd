"""Valid answers for every example procedure, page by page, as a browser would post them.

Files are (name, bytes, claimed type). Shared by the HTTP journeys and the browser tests.
"""

from __future__ import annotations

import io

from PIL import Image


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 80, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


def pdf_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 80), (255, 255, 255)).save(buffer, format="PDF")
    return buffer.getvalue()


SIRET = "73282932000074"
IBAN = "FR1420041010050500013M02606"

Page = tuple[dict[str, str | list[str]], dict[str, tuple[str, bytes, str]]]

EXAMPLES: dict[str, list[Page]] = {
    "beaulac/signalement-voirie": [
        (
            {
                "categorie": "autre",
                "precision": "Banc public cassé",
                "lieu.street": "3 rue du Lac",
                "lieu.postcode": "61250",
                "lieu.city": "Beaulac",
                "description": "Le banc est cassé depuis hier.",
            },
            {"photo": ("banc.png", png_bytes(), "image/png")},
        ),
        (
            {
                "nom": "Dupont",
                "prenom": "Marie",
                "courriel": "marie.dupont@example.fr",
                "telephone": "01 23 45 67 89",
            },
            {},
        ),
    ],
    "beaulac/occupation-terrasse": [
        (
            {
                "raison_sociale": "Le Café du Port",
                "siret": "732 829 320 00074",
                "forme_juridique": "sarl",
                "activite": "bar-cafe",
                "adresse_etablissement.street": "2 quai des Pêcheurs",
                "adresse_etablissement.postcode": "61250",
                "adresse_etablissement.city": "Beaulac",
            },
            {},
        ),
        (
            {
                "type_occupation": "terrasse",
                "date_debut": "2027-04-01",
                "date_fin": "2027-09-30",
                "surface": "24,5",
                "terrasse_couverte": "true",
                "structure": "Auvent démontable en toile.",
            },
            {
                "plan": ("plan.pdf", pdf_bytes(), "application/pdf"),
                "assurance": ("assurance.pdf", pdf_bytes(), "application/pdf"),
            },
        ),
        (
            {
                "nom": "Martin",
                "prenom": "Luc",
                "qualite": "Gérant",
                "courriel": "luc@cafeduport.example",
                "telephone": "0612345678",
            },
            {},
        ),
        ({"engagement": "true"}, {}),
    ],
    "saint-aubin/inscription-cantine": [
        (
            {
                "enfants.count": "1",
                "enfants.0.nom": "Durand",
                "enfants.0.prenom": "Léa",
                "enfants.0.date_naissance": "2019-03-12",
                "enfants.0.classe": "CP",
                "enfants.0.jours": ["lundi", "jeudi"],
                "enfants.0.allergie": "false",
            },
            {},
        ),
        (
            {
                "nom": "Durand",
                "prenom": "Paul",
                "courriel": "paul.durand@example.fr",
                "telephone": "02 33 44 55 66",
                "adresse.street": "1 rue de l'Église",
                "adresse.postcode": "61250",
                "adresse.city": "Saint-Aubin-des-Prés",
            },
            {},
        ),
        ({"reglement": "true"}, {}),
    ],
    "saint-aubin/satisfaction-services": [
        (
            {
                "note_globale": "4",
                "appreciations.accueil": "tout-a-fait",
                "appreciations.horaires": "plutot-non",
            },
            {},
        ),
        ({"services": ["accueil", "bibliotheque"], "commentaire": "Très bon accueil."}, {}),
    ],
    "val-dorne/aide-velo-electrique": [
        (
            {
                "nom": "Leroy",
                "prenom": "Anne",
                "date_naissance": "1985-06-02",
                "courriel": "anne.leroy@example.fr",
                "adresse.street": "5 route de Caen",
                "adresse.postcode": "61250",
                "adresse.city": "Les Essarts",
            },
            {"justificatif_domicile": ("domicile.pdf", pdf_bytes(), "application/pdf")},
        ),
        (
            {
                "type_velo": "vae",
                "date_achat": "2026-10-15",
                "prix": "1899",
                "vendeur": "Cycles de l'Orne",
                "vendeur_siret": SIRET,
            },
            {"facture": ("facture.pdf", pdf_bytes(), "application/pdf")},
        ),
        ({"iban": IBAN, "titulaire": "Anne Leroy", "attestation": "true"}, {}),
    ],
    "val-dorne/budget-participatif": [
        ({"resident": "true", "commune": "beaulac"}, {}),
        ({"projets": ["aire-de-jeux", "repair-cafe"]}, {}),
        ({"attestation": "true"}, {}),
    ],
    "val-dorne/consultation-plu": [
        ({"commune": "beaulac", "profil": ["habitant"]}, {}),
        (
            {
                "priorites.logement": "2",
                "priorites.mobilite": "1",
                "priorites.espaces-verts": "3",
                "priorites.commerces": "5",
                "priorites.patrimoine": "4",
                "pourquoi": "Les bus sont trop rares.",
            },
            {},
        ),
        ({"remarques": "Merci pour cette consultation."}, {}),
    ],
    "val-dorne/demande-composteur": [
        ({"personnes": "3", "jardin": "true", "modele": "bois-400", "atelier": "false"}, {}),
        (
            {
                "nom": "Petit",
                "prenom": "Jean",
                "courriel": "jean.petit@example.fr",
                "rue": "8 chemin des Prés",
                "code_postal": "61250",
                "commune": "les-essarts",
            },
            {},
        ),
        ({"dechetterie": "les-essarts", "engagement": "true"}, {}),
    ],
}
